/**
 * One error type for the whole tool. Every error has a code from a closed
 * list, says what was being done, keeps its `cause`, and says whether trying
 * again can help. The CLI prints `message` as one line; `--verbose` adds the
 * stack and the cause chain.
 */
export const ErrorCodes = {
  CONFIG: 'US_ERR_CONFIG',
  USAGE: 'US_ERR_USAGE',
  SOURCE_HTTP: 'US_ERR_SOURCE_HTTP',
  SOURCE_RESPONSE: 'US_ERR_SOURCE_RESPONSE',
  RECORD_INVALID: 'US_ERR_RECORD_INVALID',
  KAFKA: 'US_ERR_KAFKA',
  CASSANDRA: 'US_ERR_CASSANDRA',
  SPARK: 'US_ERR_SPARK',
  AIRFLOW: 'US_ERR_AIRFLOW',
  STACK_JAVA_MISSING: 'US_ERR_STACK_JAVA_MISSING',
  STACK_PORT_TAKEN: 'US_ERR_STACK_PORT_TAKEN',
  STACK_DOWNLOAD: 'US_ERR_STACK_DOWNLOAD',
  STACK_START: 'US_ERR_STACK_START',
  STACK_NOT_RUNNING: 'US_ERR_STACK_NOT_RUNNING',
  TIMEOUT: 'US_ERR_TIMEOUT',
  ABORTED: 'US_ERR_ABORTED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface UserstreamErrorOptions {
  cause?: unknown;
  /** True when the same call may succeed later (network blips, 5xx, 429). */
  canRetry?: boolean;
  /** Extra structured facts for logs (never secrets). */
  details?: Record<string, unknown>;
}

export class UserstreamError extends Error {
  readonly code: ErrorCode;
  readonly canRetry: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: UserstreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserstreamError';
    this.code = code;
    this.canRetry = options.canRetry ?? false;
    this.details = options.details ?? {};
  }
}

export function isUserstreamError(error: unknown): error is UserstreamError {
  return error instanceof UserstreamError;
}

/** The innermost useful message of an error chain, for one-line reports. */
export function describeError(error: unknown): string {
  if (error instanceof UserstreamError) {
    const cause = error.cause;
    if (cause !== undefined && !(cause instanceof UserstreamError)) {
      const inner = causeMessage(cause);
      if (inner && !error.message.includes(inner.replace(/\.$/, ''))) return `${error.message}: ${inner}`;
    }
    return error.message;
  }
  return causeMessage(error) ?? String(error);
}

function causeMessage(error: unknown): string | undefined {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return causeMessage(error.errors[0]);
  }
  // The Cassandra driver's NoHostAvailableError keeps each host's error apart.
  const hosts = (error as { innerErrors?: Record<string, unknown> } | undefined)?.innerErrors;
  if (hosts && Object.keys(hosts).length > 0) return causeMessage(Object.values(hosts)[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const msg = error.message || (typeof code === 'string' ? code : error.name);
    // One line: some drivers put a dump of details after the first.
    return msg.split('\n')[0];
  }
  return undefined;
}
