/**
 * A TypeScript client for Spark Connect (Spark 3.5): gRPC to `sc://host:port`,
 * plans built from the protobuf schemas generated out of the Spark Connect
 * jar, results decoded from Arrow.
 */
export { SparkConnectClient, parseConnectUrl, DEFAULT_PORT, NO_RETRY, type ConnectUrl, type RetryPolicy } from './client.ts';
export {
  SparkAnalysisError, SparkConnectError, SparkParseError, SparkStreamingQueryError, SparkUnavailableError, errorClassOf,
} from './errors.ts';
export { DataFrame, DataStreamReader, DataStreamWriter, RuntimeConfig, SparkSession, tableRows } from './session.ts';
export { StreamingQuery, StreamingQueryManager, inputRows, type QueryStatus } from './streaming-query.ts';
export type { Trigger } from './plan.ts';
export type { StructField } from './types.ts';
