/**
 * The streaming queries a session has started: StreamingQuery, the handle to
 * one query on the server (its status, progress reports, exception, stop),
 * StreamingQueryManager (the session's running queries) and inputRows, which
 * reads a progress report; PySpark has them in `pyspark.sql.streaming.query`.
 * They live apart from session.ts, which builds plans and starts queries,
 * because a query once started only sends commands about itself through its
 * session's client: the session is imported as a type, so neither file loads
 * the other at run time in a circle.
 */
import { SparkConnectError, SparkStreamingQueryError } from './errors.ts';
import * as p from './plan.ts';
import type { SparkSession } from './session.ts';

/**
 * Rows a progress report read, summed over its sources (Spark 3.5's JSON
 * has the count per source only).
 */
export function inputRows(progress: Record<string, unknown> | undefined): number {
  const sources = (progress?.sources ?? []) as { numInputRows?: number }[];
  return sources.reduce((n, s) => n + Number(s.numInputRows ?? 0), 0);
}

export interface QueryStatus {
  message: string;
  isDataAvailable: boolean;
  isTriggerActive: boolean;
  isActive: boolean;
}

/** A handle to a streaming query running on the server. */
export class StreamingQuery {
  readonly session: SparkSession;
  readonly id: string;
  readonly runId: string;
  readonly name: string;

  constructor(session: SparkSession, id: string, runId: string, name: string) {
    this.session = session;
    this.id = id;
    this.runId = runId;
    this.name = name;
  }

  async #run(command: p.QueryCommand) {
    const plan = { opType: { case: 'command' as const, value: p.streamingQueryCommand(this.id, this.runId, command) } };
    for await (const r of this.session.client.execute(plan)) {
      if (r.responseType.case === 'streamingQueryCommandResult') return r.responseType.value.resultType;
    }
    return undefined;
  }

  async status(): Promise<QueryStatus> {
    const r = await this.#run('status');
    if (r?.case !== 'status') throw new SparkConnectError('no status in the answer', { grpcCode: 2 });
    return { message: r.value.statusMessage, isDataAvailable: r.value.isDataAvailable, isTriggerActive: r.value.isTriggerActive, isActive: r.value.isActive };
  }

  async isActive(): Promise<boolean> {
    return (await this.status()).isActive;
  }

  /** The most recent progress report (parsed JSON), or undefined before the first batch. */
  async lastProgress(): Promise<Record<string, unknown> | undefined> {
    const r = await this.#run('lastProgress');
    if (r?.case !== 'recentProgress') return undefined;
    const last = r.value.recentProgressJson.at(-1);
    return last === undefined ? undefined : (JSON.parse(last) as Record<string, unknown>);
  }

  async recentProgress(): Promise<Record<string, unknown>[]> {
    const r = await this.#run('recentProgress');
    return r?.case === 'recentProgress' ? r.value.recentProgressJson.map((j) => JSON.parse(j) as Record<string, unknown>) : [];
  }

  /** The exception that ended the query, if it failed. */
  async exception(): Promise<SparkStreamingQueryError | undefined> {
    const r = await this.#run('exception');
    if (r?.case !== 'exception' || r.value.exceptionMessage === undefined) return undefined;
    return new SparkStreamingQueryError(r.value.exceptionMessage, { grpcCode: 2, errorClass: r.value.errorClass });
  }

  /** Processes everything available now, then returns (for tests and batch-like runs). */
  async processAllAvailable(): Promise<void> {
    await this.#run('processAllAvailable');
  }

  async stop(): Promise<void> {
    await this.#run('stop');
  }

  /**
   * Waits until the query ends (true) or `timeoutMs` passes (false); throws
   * the query's error if it failed.
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const r = await this.#run({ awaitTermination: timeoutMs === undefined ? {} : { timeoutMs: BigInt(timeoutMs) } });
    const terminated = r?.case === 'awaitTermination' ? r.value.terminated : false;
    if (terminated) {
      const error = await this.exception();
      if (error) throw error;
    }
    return terminated;
  }
}

export class StreamingQueryManager {
  readonly #session: SparkSession;
  constructor(session: SparkSession) {
    this.#session = session;
  }

  /** The queries running on the server for this session. */
  async active(): Promise<StreamingQuery[]> {
    const plan = { opType: { case: 'command' as const, value: p.activeQueriesCommand() } };
    for await (const r of this.#session.client.execute(plan)) {
      if (r.responseType.case === 'streamingQueryManagerCommandResult' && r.responseType.value.resultType.case === 'active') {
        return r.responseType.value.resultType.value.activeQueries.map(
          (q) => new StreamingQuery(this.#session, q.id?.id ?? '', q.id?.runId ?? '', q.name ?? ''),
        );
      }
    }
    return [];
  }
}
