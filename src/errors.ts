/**
 * One error type for the whole tool. Every error has a code from a closed
 * list, says what was being done, keeps its `cause`, and says whether trying
 * again can help. The CLI prints `message` as one line with the code after it
 * (`withCode`); `--verbose` adds the stack and the cause chain. docs/errors.md
 * explains each code (test/unit/errors/errors-doc.test.ts keeps it complete).
 */
export const ErrorCodes = {
  CONFIG: 'US_ERR_CONFIG',
  USAGE: 'US_ERR_USAGE',
  SOURCE_HTTP: 'US_ERR_SOURCE_HTTP',
  SOURCE_RESPONSE: 'US_ERR_SOURCE_RESPONSE',
  KAFKA: 'US_ERR_KAFKA',
  CASSANDRA: 'US_ERR_CASSANDRA',
  SPARK: 'US_ERR_SPARK',
  AIRFLOW: 'US_ERR_AIRFLOW',
  REGISTRY: 'US_ERR_REGISTRY',
  REGISTRY_INCOMPATIBLE: 'US_ERR_REGISTRY_INCOMPATIBLE',
  STACK_JAVA_MISSING: 'US_ERR_STACK_JAVA_MISSING',
  STACK_PORT_TAKEN: 'US_ERR_STACK_PORT_TAKEN',
  STACK_DOWNLOAD: 'US_ERR_STACK_DOWNLOAD',
  STACK_START: 'US_ERR_STACK_START',
  TIMEOUT: 'US_ERR_TIMEOUT',
  ABORTED: 'US_ERR_ABORTED',
  BENCH: 'US_ERR_BENCH',
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

/**
 * `text` (an error's message or its one-line description) with the error's
 * code after the first line, as a user sees it:
 * `cannot reach 127.0.0.1:8000: ECONNREFUSED [US_ERR_SOURCE_HTTP]`. An
 * error that is not a UserstreamError has no code: `text` as it is.
 */
export function withCode(error: unknown, text: string): string {
  if (!(error instanceof UserstreamError)) return text;
  const end = text.indexOf('\n');
  return end < 0 ? `${text} [${error.code}]` : `${text.slice(0, end)} [${error.code}]${text.slice(end)}`;
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
  // An error from the JVM (Spark Connect's carry their exception classes): its reason, not a kilobyte of nested causes.
  if (error instanceof Error && Array.isArray((error as { exceptionClasses?: unknown }).exceptionClasses)) return javaReason(error.message);
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

/** A Java exception class at the start of a segment: `java.io.IOException: `, `com.x.NodeUnavailableException: `. */
const JAVA_EXCEPTION = /(?:^|[\s([:])((?:[a-z_$][\w$]*\.)+([A-Z][\w$]*(?:Exception|Error)))(?::\s*|$)/g;

/** Driver noise that makes a line long and says nothing to a reader: node ids and hash codes. */
const NOISE = /,\s*(?:hostId|hashCode)=[^,)\]]*/g;

/** Causes whose innermost exception says less than a phrase around it (the connector's own words). */
const KNOWN: [RegExp, (m: RegExpExecArray) => string][] = [
  [/Failed to open native connection to Cassandra at \{([^}]*)\}/, (m) => `cannot connect to Cassandra at ${m[1]}`],
  [/No connection was available to Node\(endPoint=\/?([^,)]+)/, (m) => `no connection to Cassandra node ${m[1]}`],
];

/**
 * The reason a Spark job failed, in one short line, from the text Spark
 * gives (a StreamingQueryException's message nests every cause in one line
 * over a kilobyte long: "Job aborted due to stage failure: … most recent
 * failure: … java.io.IOException: Failed to prepare statement INSERT …:
 * … NodeUnavailableException: No connection was available to Node(…)").
 * The innermost exception is the reason; its class is kept without the
 * package, and the line is cut to `max` characters. The whole text stays in
 * the server's log (and --verbose, errorDetail).
 */
export function javaReason(text: string, max = 200): string {
  const first = (text.split('\n').find((l) => l.trim()) ?? text).trim();
  for (const [pattern, say] of KNOWN) {
    const m = pattern.exec(first);
    if (m) return say(m);
  }
  let last: { at: number; name: string; end: number } | undefined;
  for (const m of first.matchAll(JAVA_EXCEPTION)) {
    last = { at: m.index, name: m[2]!, end: m.index + m[0].length };
  }
  let reason = first;
  if (last) {
    const message = first.slice(last.end).replace(/[\])]+\s*$/, '').trim();
    reason = message ? `${last.name}: ${message}` : last.name;
  }
  reason = reason.replace(NOISE, '').replace(/\s+/g, ' ');
  return reason.length > max ? `${reason.slice(0, max - 1).trimEnd()}…` : reason;
}

/** Everything an error says, for --verbose and debug logs: each message and stack down the chain of causes. */
export function errorDetail(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 10; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join('\ncaused by: ');
}

/** The exit code a failed command ends with: 2 for a bad flag or value (CONFIG, USAGE), 1 for any other failure. */
export function exitCode(error: unknown): number {
  return isUserstreamError(error) && (error.code === ErrorCodes.CONFIG || error.code === ErrorCodes.USAGE) ? 2 : 1;
}
