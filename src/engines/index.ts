import type { Logger } from 'pino';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { NodeEngine, type EngineStats } from './node/engine.ts';
import { SparkEngine } from './spark/engine.ts';

export const ENGINES = ['node', 'spark'] as const;
export type EngineName = (typeof ENGINES)[number];

/** What the CLI and the tests need of either engine. */
export interface StreamEngine {
  readonly stats: EngineStats;
  start(): Promise<void>;
  /** Finishes or hands back what it holds (nothing accepted is lost), then disconnects. */
  stop(): Promise<void>;
  /** Resolves when stopped; rejects when the engine failed. */
  readonly finished: Promise<void>;
  /**
   * Per partition, the offset below which every message is written or
   * dead-lettered, as Kafka or the checkpoint holds it (the node engine's
   * group offsets, the Spark queries' slower checkpoint); undefined or
   * empty when nothing is committed yet. Readable before start().
   */
  committed(): Promise<Map<number, bigint> | undefined>;
  /** Messages up to the topic's current end not yet written or dead-lettered. */
  lag(): Promise<bigint>;
  /** `lag() === 0`: every message so far is in Cassandra or in the DLQ. */
  caughtUp(): Promise<boolean>;
}

export function checkEngine(engine: string): EngineName {
  if ((ENGINES as readonly string[]).includes(engine)) return engine as EngineName;
  throw new UserstreamError(ErrorCodes.USAGE, `unknown engine ${JSON.stringify(engine)}; choose one of ${ENGINES.join(', ')}`);
}

export interface EngineOptions {
  config: Config;
  log: Logger;
  /** Smaller batches (tests, tight memory): Kafka messages per Spark micro-batch, per node engine batch. */
  batchSize?: number;
}

export function createEngine(name: EngineName, options: EngineOptions): StreamEngine {
  const { config, log, batchSize } = options;
  if (name === 'spark') return new SparkEngine({ config, log, ...(batchSize === undefined ? {} : { maxOffsetsPerTrigger: batchSize }) });
  return new NodeEngine({ config, log, ...(batchSize === undefined ? {} : { batchSize }) });
}
