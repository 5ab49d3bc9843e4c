/**
 * The Spark engine's rules for failures: which ones it waits out and for how
 * long (startQuery retries a keyspace or table the connector cannot see yet;
 * launchRetryMs says how long to keep starting the queries again), and the
 * one it does not (DATA_LOSS: the topic no longer holds what the checkpoint
 * expects; dataLossError says why the engine stops and what to do). They sit
 * apart from engine.ts, which applies them when a query fails to start or
 * stops, so each rule and its reason can be read and tested on its own.
 */
import { dirname } from 'node:path';
import { ErrorCodes, UserstreamError, describeError, javaReason } from '../../errors.ts';
import type { StreamingQuery } from '../../spark-connect/index.ts';
import type { SparkEngineConfig } from './engine.ts';
import { pipelineNames } from './names.ts';

/**
 * Starts a query. The Cassandra connector in the driver learns about a
 * keyspace created a moment ago only after its metadata refresh, so "cannot
 * find keyspace/table" is retried for a few seconds.
 */
export async function startQuery(name: string, start: () => Promise<StreamingQuery>): Promise<StreamingQuery> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const message = (error as Error).message;
      if (attempt < 20 && /Couldn't find .*(keyspace|table)/i.test(message)) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      throw new UserstreamError(ErrorCodes.SPARK, `starting the Spark query ${name}: ${javaReason(message)}`, { cause: error });
    }
  }
}

/**
 * How Spark's Kafka source says the topic no longer holds offsets its
 * checkpoint has (failOnDataLoss): "offset was changed from … to …" (the
 * topic was deleted and created again), "Cannot fetch offset … Some data may
 * have been lost" (messages expired before they were read), "Partitions …
 * are gone".
 */
export const DATA_LOSS = /some data may have been (missed|lost)/i;

export function dataLossError(c: SparkEngineConfig, detail: string, cause: unknown): UserstreamError {
  const dir = dirname(pipelineNames(c).rowsCheckpoint);
  return new UserstreamError(
    ErrorCodes.SPARK,
    `Kafka topic ${c.topic} no longer has the messages the Spark checkpoint expects (${detail.replace(/^.*?Exception: /, '').trim()}): ` +
      `the topic was deleted and created again, or messages expired before they were read. The engine stops rather than skip them. ` +
      `To read the topic from its start, delete the checkpoint ${dir}; rows already written stay and are upserted again.`,
    { cause },
  );
}

/**
 * How long to keep starting the queries after the first try failed: a
 * minute for Spark Connect restarting (a server that is not there at all is
 * one clear error, soon), three when the connector cannot see the table the
 * engine has just created. The connector learns the schema through its own
 * driver's control node, and on a busy ring a node can lag the others'
 * schema for minutes (CI, cluster suite: cassandra-1 missed a keyspace for
 * over two minutes and the query gave up after one).
 */
export function launchRetryMs(error: unknown): number {
  return /Couldn't find table \S+ or keyspace/.test(describeError(error)) ? 180_000 : 60_000;
}
