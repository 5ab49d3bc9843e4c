/**
 * The Spark engine's two streaming queries as Spark Connect plans, built from
 * the expressions of query.ts: the Kafka source, the rows query into the
 * Cassandra sink (with the sink's measured write settings) and the DLQ query
 * into the Kafka sink, each with its checkpoint, trigger and name. Built here,
 * next to query.ts and apart from engine.ts, which starts them, watches them
 * and starts them again; query.ts itself stays pure SQL text, with no client
 * or connection settings, so its unit tests load nothing else.
 */
import { DEFAULT_ROWS_PER_REQUEST } from '../../cassandra/writer.ts';
import type { DataStreamWriter, SparkSession } from '../../spark-connect/index.ts';
import { sparkCassandraOptions, sparkKafkaOptions } from './connection-options.ts';
import type { SparkEngineConfig } from './engine.ts';
import type { pipelineNames } from './names.ts';
import {
  LATENCY_OBSERVATION, PARSED_OBSERVATION, deadLetterColumns, latencyMetrics, parsedColumns, rejectionReason, rowColumns, withoutWaitColumn, withWaitColumn,
} from './query.ts';

/**
 * The rows and DLQ queries of the pipeline `names`, ready to start on
 * `spark`: `trigger`, `maxOffsets` and `sinkOptions` are the engine's
 * options (SparkEngineOptions).
 */
export function pipelineQueries(
  spark: SparkSession,
  c: SparkEngineConfig,
  names: ReturnType<typeof pipelineNames>,
  o: { trigger: string; maxOffsets: number; sinkOptions: Record<string, string> },
): { rows: DataStreamWriter; dlq: DataStreamWriter } {
  const kafka = sparkKafkaOptions(c);
  // The DLQ query also reads the messages' headers: a replayed message refused again keeps its replay header.
  const source = (headers: boolean) =>
    spark.readStream
      .format('kafka')
      .options(kafka)
      .option('subscribe', c.topic)
      .option('startingOffsets', 'earliest')
      .option('maxOffsetsPerTrigger', o.maxOffsets)
      .option('includeHeaders', String(headers))
      .load()
      .selectExpr(...parsedColumns(headers))
      .observe(PARSED_OBSERVATION, 'count(1) AS messages')
      .selectExpr('*', `${rejectionReason(c.maxMessageBytes)} AS reason`);

  const cassandra = {
    keyspace: c.keyspace,
    table: c.table,
    ...sparkCassandraOptions(c),
    // Measured on the 2-core machine (200k records): the connector's defaults
    // (5 writes in flight, one row per statement) 3.3k rows/s; more writes in
    // flight and small unlogged batches per replica set 5.6k rows/s. The
    // batches hold as many rows as the node engine's: 10 rows (about 5.2 kB)
    // went over Cassandra's 5 kB batch warning, so every batch came back
    // with a warning the executor logged (890 MB of log in one bench run).
    'spark.cassandra.output.concurrent.writes': '128',
    'spark.cassandra.output.batch.grouping.key': 'replica_set',
    'spark.cassandra.output.batch.size.rows': String(DEFAULT_ROWS_PER_REQUEST),
    // A cached session outlives a Cassandra restart with a broken control
    // connection, and the next query's schema refresh then waits forever:
    // drop sessions idle for 2 s, so queries started again after a failure
    // (5 s later) connect afresh.
    'spark.cassandra.connection.keepAliveMS': '2000',
    // A record without ingested_at (the original project's) leaves the column unset, as the
    // node engine does: no tombstone, and a time an earlier write stored stays.
    'spark.cassandra.output.ignoreNulls': 'true',
    ...o.sinkOptions,
  };
  const rows = source(false)
    .filter('reason IS NULL')
    .selectExpr(...rowColumns())
    .selectExpr(...withWaitColumn())
    .observe(LATENCY_OBSERVATION, ...latencyMetrics())
    .selectExpr(...withoutWaitColumn())
    .writeStream.format('org.apache.spark.sql.cassandra')
    .options(cassandra)
    .option('checkpointLocation', names.rowsCheckpoint)
    .outputMode('append')
    .trigger({ processingTime: o.trigger })
    .queryName(names.rowsQuery);
  const dlq = source(true)
    .filter('reason IS NOT NULL')
    .selectExpr(...deadLetterColumns())
    .writeStream.format('kafka')
    .options(kafka)
    .option('topic', c.dlqTopic)
    .option('checkpointLocation', names.dlqCheckpoint)
    .outputMode('append')
    .trigger({ processingTime: o.trigger })
    .queryName(names.dlqQuery);
  return { rows, dlq };
}
