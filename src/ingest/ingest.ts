import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { createRecordProducer, type RecordProducer, sendRecords, wireHeader } from '../kafka/producer.ts';
import { type Registered, registerContract } from '../registry/register.ts';
import { metrics } from '../metrics/metrics.ts';
import { toRecord } from '../record/from-random-user.ts';
import type { UserRecord } from '../record/record.ts';
import { backoffMs, isRetryable } from '../retry.ts';
import { sleep } from '../source/http-client.ts';
import type { Page, UserSource } from '../source/source.ts';

export type IngestConfig = Pick<
  Config,
  'kafkaBrokers' | 'topic' | 'duration' | 'count' | 'rate' | 'batchSize' | 'seed' | 'nat'
> & Partial<Pick<Config, 'sendTimeout' | 'schemaRegistryUrl' | 'schemaCompatibility' | 'valueFormat'>>;

export interface IngestProgress {
  /** Users accepted from the source and turned into records. */
  accepted: number;
  /** Records acknowledged by Kafka. */
  produced: number;
  /** Results the source sent that were not well-formed users. */
  rejected: number;
  requests: number;
  elapsedMs: number;
}

export interface IngestOptions {
  config: IngestConfig;
  source: UserSource;
  /** Aborting stops fetching; everything already accepted is still sent and flushed. */
  signal?: AbortSignal;
  /** Reuse a producer (tests, the main job); otherwise one is made and closed. */
  producer?: RecordProducer;
  onProgress?: (progress: IngestProgress) => void;
  /** Sees every batch once Kafka has acknowledged it. */
  onProduced?: (records: UserRecord[]) => void;
  /** Called before a batch Kafka did not acknowledge is sent again. */
  onSendRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Told where the schema was registered (before anything is produced). */
  onRegistered?: (registered: Registered) => void;
}

/**
 * Sends a batch until Kafka acknowledges it, retrying retryable failures (a
 * broker restarting, a leader moving) for up to `sendTimeout` seconds: the
 * records are accepted already, so giving up early would lose them. A batch
 * sent twice lands twice in the topic and upserts the same rows.
 *
 * The deadline holds even while one send is still retrying inside the Kafka
 * client, which has no way to cancel a send: with two brokers of three down,
 * one send (ten retries, each waiting out the broker's 8 s wait for the
 * in-sync replicas) took 93 s to fail under a 20 s --send-timeout. When the
 * time is up the producer is closed, which ends the send; the ingest stops
 * there (the producer is not reused).
 */
async function sendPatiently(
  producer: RecordProducer,
  config: IngestConfig,
  records: UserRecord[],
  onRetry: ((info: { attempt: number; delayMs: number; reason: string }) => void) | undefined,
  header: Buffer | undefined,
): Promise<void> {
  const seconds = config.sendTimeout ?? 120;
  const deadline = performance.now() + seconds * 1000;
  const gaveUp = (error: UserstreamError) =>
    new UserstreamError(error.code, `${error.message} (gave up after ${seconds} s; ${records.length} accepted records of this batch were not acknowledged)`, { cause: error });
  for (let attempt = 1; ; attempt++) {
    const sending = sendRecords(producer, config, records, header);
    sending.catch(() => {}); // observed below
    let sent: boolean;
    try {
      sent = await withinDeadline(sending, deadline);
    } catch (error) {
      const retryable = isRetryable(error);
      if (!retryable || performance.now() >= deadline) throw retryable ? gaveUp(error) : error;
      const delayMs = backoffMs(attempt - 1);
      onRetry?.({ attempt, delayMs, reason: (error as Error).message });
      await sleep(delayMs);
      continue;
    }
    // The time ran out with the send still retrying inside the client: closing the producer ends it.
    if (sent || (await closeAndSettle(producer, sending))) return;
    throw gaveUp(new UserstreamError(ErrorCodes.KAFKA, `producing ${records.length} records to ${config.topic} on Kafka ${config.kafkaBrokers.join(',')}: no acknowledgement`));
  }
}

/** Whether `sending` was acknowledged before the deadline (false: the time ran out first); its failure, if first, is thrown. */
async function withinDeadline(sending: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([sending.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes the producer, which ends a send the client is still retrying, and
 * gives it a few seconds to settle: true if it was acknowledged after all.
 * Closing waits for no send; the grace only bounds a connection still opening.
 */
async function closeAndSettle(producer: RecordProducer, sending: Promise<void>): Promise<boolean> {
  const grace = <T>(value: T) => new Promise<T>((resolve) => setTimeout(resolve, 5000, value).unref());
  await Promise.race([producer.close().catch(() => {}), grace(undefined)]);
  return Promise.race([sending.then(() => true, () => false), grace(false)]);
}

/**
 * fetch → format → produce, for `duration` seconds or `count` records, at
 * most `rate` records per second. The next page is fetched while the current
 * one is being produced. Nothing accepted is dropped: on stop, the batch in
 * hand is sent and the producer flushed before this resolves.
 */
export async function ingest(options: IngestOptions): Promise<IngestProgress> {
  const { config, source, signal } = options;
  // The contract first: a schema the registry refuses stops the ingest before anything is produced.
  const registered = config.schemaRegistryUrl ? await registerContract({ topic: config.topic, schemaRegistryUrl: config.schemaRegistryUrl, schemaCompatibility: config.schemaCompatibility ?? 'BACKWARD' }) : undefined;
  if (registered) options.onRegistered?.(registered);
  const header = config.valueFormat === 'json-sr' && registered ? wireHeader(registered.id) : undefined;
  const producer = options.producer ?? createRecordProducer(config);
  const started = performance.now();
  const deadline = started + config.duration * 1000;
  const progress: IngestProgress = { accepted: 0, produced: 0, rejected: 0, requests: 0, elapsedMs: 0 };
  let page = 0;
  let requested = 0;
  const stopping = () => signal?.aborted === true || performance.now() >= deadline || (config.count !== undefined && requested >= config.count);

  const fetchNext = async (): Promise<Page | null> => {
    if (stopping()) return null;
    let size = config.batchSize;
    if (config.count !== undefined) size = Math.min(size, config.count - requested);
    if (config.rate !== undefined && config.rate > 0) {
      // Small requests keep the pace smooth; wait until this one is due.
      size = Math.min(size, Math.max(1, Math.ceil(config.rate / 4)));
      const dueAt = started + (requested / config.rate) * 1000;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait, signal).catch(() => {});
      if (stopping()) return null;
    }
    requested += size;
    page += 1;
    const result = await source.fetchPage(
      { results: size, seed: config.seed, page: config.seed === undefined ? undefined : page, nat: config.nat },
      signal,
    );
    progress.requests += 1;
    return result;
  };

  const guard = (p: Promise<Page | null>) => {
    p.catch(() => {}); // observed below; avoids an unhandled rejection while a send is pending
    return p;
  };

  try {
    let next = guard(fetchNext());
    for (;;) {
      let current: Page | null;
      try {
        current = await next;
      } catch (error) {
        if (error instanceof UserstreamError && error.code === ErrorCodes.ABORTED) break;
        throw error;
      }
      if (current === null) break;
      next = guard(fetchNext());
      const now = new Date();
      let users = current.users;
      if (config.count !== undefined) users = users.slice(0, config.count - progress.accepted);
      const records = users.map((u) => toRecord(u, now));
      progress.accepted += records.length;
      progress.rejected += current.rejected;
      metrics.accepted.inc(records.length);
      if (current.rejected > 0) metrics.malformed.inc(current.rejected);
      await sendPatiently(producer, config, records, options.onSendRetry, header);
      progress.produced += records.length;
      metrics.produced.inc(records.length);
      options.onProduced?.(records);
      progress.elapsedMs = performance.now() - started;
      options.onProgress?.(progress);
    }
  } finally {
    if (!options.producer) await producer.close();
  }
  progress.elapsedMs = performance.now() - started;
  return progress;
}
