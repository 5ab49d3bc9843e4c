/**
 * userstream's Prometheus metrics: one registry per process, counters for the
 * producer, the engine and the sink, and the end-to-end latency histogram
 * (from a record's `ingested_at` to its row acknowledged by Cassandra).
 * Counting is always on (an increment is cheap); `/metrics` is served only
 * when asked for (`--metrics-port`, or the dashboard's server).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Users accepted from the source and turned into records. */
  accepted: Counter;
  /** Records acknowledged by Kafka. */
  produced: Counter;
  /** Source requests, by outcome: ok, retried (a 5xx, 429, timeout or bad body answered), failed. */
  sourceRequests: Counter<'outcome'>;
  /** Results the source sent that were not well-formed users. */
  malformed: Counter;
  /**
   * Messages read from Kafka by the engine: the node engine counts a batch as
   * it is taken for writing; the Spark engine counts what its checkpoints
   * committed (engines/tally.ts, every 5 s), so a query restart loses none.
   */
  consumed: Counter<'engine'>;
  /**
   * Messages whose rows were upserted into Cassandra, counted once committed:
   * the node engine per batch its group committed, the Spark engine from its
   * checkpoints and the DLQ (engines/tally.ts).
   */
  written: Counter<'engine'>;
  /** Messages sent to the dead-letter topic, counted as `written` is (a dead letter the DLQ holds twice counts once). */
  deadLettered: Counter<'engine'>;
  /** Engine batches (node) or micro-batches (Spark) completed. */
  batches: Counter<'engine'>;
  /** Batches that failed and were sent again. */
  retries: Counter<'engine'>;
  /** Seconds from `ingested_at` to the row acknowledged by Cassandra. */
  latency: Histogram<'engine'>;
  /** Rows written without an `ingested_at` (the original project's messages), left out of the latency histogram. */
  unmeasured: Counter<'engine'>;
}

/** Buckets from 5 ms (the node engine at low rates) to 2 minutes (a backlog). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'userstream_' });
  const registers = [registry];
  return {
    registry,
    accepted: new Counter({ name: 'userstream_ingest_accepted_total', help: 'Users accepted from the source', registers }),
    produced: new Counter({ name: 'userstream_ingest_produced_total', help: 'Records acknowledged by Kafka', registers }),
    sourceRequests: new Counter({ name: 'userstream_source_requests_total', help: 'Requests to the user source by outcome', labelNames: ['outcome'], registers }),
    malformed: new Counter({ name: 'userstream_source_malformed_total', help: 'Results from the source that were not well-formed users', registers }),
    consumed: new Counter({ name: 'userstream_engine_consumed_total', help: 'Messages read from Kafka by the stream engine', labelNames: ['engine'], registers }),
    written: new Counter({ name: 'userstream_sink_rows_written_total', help: 'Messages upserted into Cassandra as rows, counted once committed', labelNames: ['engine'], registers }),
    deadLettered: new Counter({ name: 'userstream_engine_dead_lettered_total', help: 'Messages sent to the dead-letter topic', labelNames: ['engine'], registers }),
    batches: new Counter({ name: 'userstream_engine_batches_total', help: 'Batches (node) or micro-batches (spark) completed', labelNames: ['engine'], registers }),
    retries: new Counter({ name: 'userstream_engine_batch_retries_total', help: 'Batches that failed and were sent again', labelNames: ['engine'], registers }),
    latency: new Histogram({
      name: 'userstream_end_to_end_latency_seconds',
      help: 'Seconds from a record\'s ingested_at to its row acknowledged by Cassandra',
      labelNames: ['engine'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    unmeasured: new Counter({ name: 'userstream_end_to_end_latency_unmeasured_total', help: 'Rows written without an ingested_at (the original project\'s messages), left out of the latency histogram', labelNames: ['engine'], registers }),
  };
}

/** The process's metrics, shared by the ingest, the engines and the servers. */
export const metrics: Metrics = createMetrics({ processMetrics: true });

/**
 * Observes the latency of rows written now, from their `ingested_at` in
 * milliseconds since the epoch; a row without one (NaN) is left out of the
 * histogram and counted as unmeasured.
 */
export function observeLatency(engine: string, ingestedAtMs: Iterable<number>, now = Date.now()): void {
  const h = metrics.latency.labels(engine);
  let unmeasured = 0;
  for (const t of ingestedAtMs) {
    if (Number.isFinite(t)) h.observe(Math.max(0, now - t) / 1000);
    else unmeasured++;
  }
  if (unmeasured > 0) metrics.unmeasured.labels(engine).inc(unmeasured);
}

/** Observes latency samples that each stand for several rows (the Spark engine's per-batch quantiles). */
export function observeLatencySamples(engine: string, samples: Iterable<{ seconds: number; rows: number }>): void {
  const h = metrics.latency.labels(engine);
  for (const { seconds, rows } of samples) for (let i = 0; i < rows; i++) h.observe(seconds);
}
