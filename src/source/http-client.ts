import { ErrorCodes, UserstreamError } from '../errors.ts';
import { BACKOFF, type Backoff, backoffMs, isRetryable } from '../retry.ts';
import { acceptUsers, ResponseSchema } from './result-schema.ts';
import type { Page, PageRequest, UserSource } from './source.ts';
import { MAX_RESULTS_PER_REQUEST } from './types.ts';
import { metrics } from '../metrics/metrics.ts';

export interface HttpSourceOptions {
  url: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Attempts after the first for retryable failures (network, 5xx, 429, timeouts). */
  retries?: number;
  /** The pause before each retry (backoffMs); BACKOFF.source: 250 ms doubling, with jitter, at most 30 s. */
  backoff?: Backoff;
  /** Responses larger than this are refused (5,000 users are about 6 MB). */
  maxBodyBytes?: number;
  /** Longest Retry-After honoured; a server asking for more is waited on for this long. */
  maxRetryAfterMs?: number;
  /** Called before each retry, for logs. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/**
 * A randomuser.me client: many users per request, timeouts, retries with
 * exponential backoff and jitter, and respect for 429 + Retry-After (the
 * open-source server throttles heavy clients per minute).
 */
export class HttpUserSource implements UserSource {
  readonly name: string;
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoff: Backoff;
  readonly #maxBodyBytes: number;
  readonly #maxRetryAfterMs: number;
  readonly #onRetry: HttpSourceOptions['onRetry'];

  constructor(options: HttpSourceOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new UserstreamError(ErrorCodes.CONFIG, `invalid source URL ${JSON.stringify(options.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UserstreamError(ErrorCodes.CONFIG, `source URL must be http or https: ${options.url}`);
    }
    this.#url = url;
    this.name = url.toString();
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#retries = options.retries ?? 6;
    this.#backoff = options.backoff ?? BACKOFF.source;
    this.#maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.#onRetry = options.onRetry;
  }

  async fetchPage(request: PageRequest, signal?: AbortSignal): Promise<Page> {
    const url = this.requestUrl(request);
    for (let attempt = 0; ; attempt++) {
      try {
        const page = await this.#once(url, signal);
        metrics.sourceRequests.labels('ok').inc();
        return page;
      } catch (error) {
        const err = error instanceof UserstreamError ? error : wrapNetworkError(error, url);
        if (signal?.aborted) throw abortError(signal);
        const final = !isRetryable(err) || attempt >= this.#retries;
        metrics.sourceRequests.labels(final ? 'failed' : 'retried').inc();
        if (final) throw err;
        const retryAfter = typeof err.details.retryAfterMs === 'number' ? err.details.retryAfterMs : undefined;
        const delayMs = retryAfter === undefined ? backoffMs(attempt, this.#backoff) : Math.min(this.#maxRetryAfterMs, retryAfter);
        this.#onRetry?.({ attempt: attempt + 1, delayMs, reason: err.message });
        await sleep(delayMs, signal);
      }
    }
  }

  requestUrl(request: PageRequest): URL {
    const url = new URL(this.#url);
    const results = Math.min(Math.max(1, Math.trunc(request.results)), MAX_RESULTS_PER_REQUEST);
    url.searchParams.set('results', String(results));
    if (request.seed !== undefined) url.searchParams.set('seed', request.seed);
    if (request.page !== undefined) url.searchParams.set('page', String(request.page));
    if (request.nat !== undefined) url.searchParams.set('nat', request.nat);
    return url;
  }

  async #once(url: URL, signal: AbortSignal | undefined): Promise<Page> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(url, { signal: combined, headers: { accept: 'application/json' } });
    } catch (error) {
      if (timeout.aborted && !signal?.aborted) {
        throw new UserstreamError(ErrorCodes.SOURCE_HTTP, `timed out after ${this.#timeoutMs} ms asking ${url.host}`, { canRetry: true });
      }
      throw error;
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new UserstreamError(ErrorCodes.SOURCE_HTTP, `${url.host} answered HTTP ${response.status}`, {
        canRetry: true,
        details: { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      });
    }
    const body = await readLimited(response, this.#maxBodyBytes, url);
    if (!response.ok) {
      throw new UserstreamError(ErrorCodes.SOURCE_HTTP, `${url.host} answered HTTP ${response.status}: ${body.slice(0, 200)}`, {
        details: { status: response.status },
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      // A truncated or garbled body is usually a dropped connection: ask again.
      throw new UserstreamError(ErrorCodes.SOURCE_RESPONSE, `${url.host} sent a body that is not JSON (${body.length} bytes)`, { canRetry: true });
    }
    if (json !== null && typeof json === 'object' && 'error' in json) {
      throw new UserstreamError(ErrorCodes.SOURCE_RESPONSE, `${url.host} answered an error: ${String((json as { error: unknown }).error)}`, { canRetry: true });
    }
    const parsed = ResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new UserstreamError(ErrorCodes.SOURCE_RESPONSE, `${url.host} answered JSON without a results array`, { canRetry: true });
    }
    const { users, rejected } = acceptUsers(parsed.data.results);
    return { users, rejected, info: parsed.data.info };
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

async function readLimited(response: Response, limit: number, url: URL): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new UserstreamError(ErrorCodes.SOURCE_RESPONSE, `${url.host} response of ${declared} bytes exceeds the ${limit}-byte limit`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > limit) {
        throw new UserstreamError(ErrorCodes.SOURCE_RESPONSE, `${url.host} response exceeds the ${limit}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof UserstreamError) throw error;
    throw new UserstreamError(ErrorCodes.SOURCE_HTTP, `connection to ${url.host} broke while reading the response`, { canRetry: true, cause: error });
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function wrapNetworkError(error: unknown, url: URL): UserstreamError {
  // undici reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, "bad port") in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const what = code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new UserstreamError(ErrorCodes.SOURCE_HTTP, `cannot reach ${url.host}: ${what}`, { canRetry: true, cause: error });
}

function abortError(signal: AbortSignal): UserstreamError {
  return new UserstreamError(ErrorCodes.ABORTED, 'request aborted', { cause: signal.reason });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
