import { fromBinary } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ErrorInfoSchema } from './gen/google/rpc/error_details_pb.js';
import { StatusSchema } from './gen/google/rpc/status_pb.js';

/**
 * An error from a Spark Connect server, or from reaching it: the gRPC status,
 * and when Spark sent them, its error class (e.g. `TABLE_OR_VIEW_NOT_FOUND`)
 * and the JVM exception classes, most specific first.
 */
export class SparkConnectError extends Error {
  override name = 'SparkConnectError';
  /** gRPC status code (`status.UNAVAILABLE`, …). */
  readonly grpcCode: number;
  /** Spark's error class, when the error has one. */
  readonly errorClass: string | undefined;
  /** JVM exception classes, e.g. `org.apache.spark.sql.AnalysisException`. */
  readonly exceptionClasses: string[];

  constructor(message: string, o: { grpcCode: number; errorClass?: string | undefined; exceptionClasses?: string[]; cause?: unknown }) {
    super(message, { cause: o.cause });
    this.grpcCode = o.grpcCode;
    this.errorClass = o.errorClass;
    this.exceptionClasses = o.exceptionClasses ?? [];
  }

  /** Worth trying again: the server was unreachable or busy, not wrong. */
  get transient(): boolean {
    return this.grpcCode === GrpcStatus.UNAVAILABLE || this.grpcCode === GrpcStatus.RESOURCE_EXHAUSTED;
  }
}

/** The query or plan is wrong: unknown column or table, bad SQL, type mismatch. */
export class SparkAnalysisError extends SparkConnectError {
  override name = 'SparkAnalysisError';
}

/** A SQL string that does not parse. */
export class SparkParseError extends SparkAnalysisError {
  override name = 'SparkParseError';
}

/** A streaming query failed on the server. */
export class SparkStreamingQueryError extends SparkConnectError {
  override name = 'SparkStreamingQueryError';
}

/** The server cannot be reached (not running, wrong address, restarting). */
export class SparkUnavailableError extends SparkConnectError {
  override name = 'SparkUnavailableError';
}

const ERROR_CLASS_IN_MESSAGE = /^\[([A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)*)\]\s*/;

/** Parses Spark's message prefix `[ERROR_CLASS] text`. */
export function errorClassOf(message: string): string | undefined {
  return ERROR_CLASS_IN_MESSAGE.exec(message.trimStart())?.[1];
}

/**
 * Turns a gRPC failure into a typed error. Spark puts a google.rpc.Status
 * with an ErrorInfo in the `grpc-status-details-bin` trailer; its metadata
 * holds the exception classes (`classes`, a JSON list) and, since 3.5, the
 * error class.
 */
export function fromGrpcError(error: unknown, what: string): SparkConnectError {
  if (error instanceof SparkConnectError) return error;
  const e = error as Partial<ServiceError>;
  const code = typeof e.code === 'number' ? e.code : GrpcStatus.UNKNOWN;
  let message = e.details || (error as Error)?.message || String(error);
  let errorClass: string | undefined;
  let classes: string[] = [];
  const raw = e.metadata instanceof Metadata ? e.metadata.get('grpc-status-details-bin')[0] : undefined;
  if (raw instanceof Buffer) {
    try {
      const st = fromBinary(StatusSchema, raw);
      if (st.message) message = st.message;
      for (const detail of st.details) {
        const info = anyUnpack(detail, ErrorInfoSchema);
        if (!info) continue;
        errorClass = info.metadata.errorClass ?? errorClass;
        if (info.metadata.classes) classes = JSON.parse(info.metadata.classes) as string[];
        else if (info.reason) classes = [info.reason];
      }
    } catch {
      // Undecodable details: the plain message stands.
    }
  }
  errorClass ??= errorClassOf(message);
  const o = { grpcCode: code, errorClass, exceptionClasses: classes, cause: error };
  if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED) {
    return new SparkUnavailableError(`${what}: Spark Connect is unavailable (${message})`, o);
  }
  const is = (name: string) => classes.some((c) => c.endsWith(name));
  if (is('ParseException')) return new SparkParseError(message, o);
  if (is('AnalysisException')) return new SparkAnalysisError(message, o);
  if (is('StreamingQueryException')) return new SparkStreamingQueryError(message, o);
  return new SparkConnectError(message, o);
}
