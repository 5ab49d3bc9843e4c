import type { Logger } from 'pino';
import { generateUsers } from './builtin/index.ts';
import { HttpUserSource } from './http-client.ts';
import { MAX_RESULTS_PER_REQUEST } from './types.ts';
import type { Page, PageRequest, UserSource } from './source.ts';

/** The built-in randomuser-compatible generator, in process. */
export class BuiltinUserSource implements UserSource {
  readonly name = 'builtin';
  async fetchPage(request: PageRequest): Promise<Page> {
    const response = generateUsers({
      results: Math.min(request.results, MAX_RESULTS_PER_REQUEST),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      ...(request.page === undefined ? {} : { page: request.page }),
      ...(request.nat === undefined ? {} : { nat: request.nat.split(',') }),
    });
    return { users: response.results, info: response.info, rejected: 0 };
  }
}

export interface OpenSourceOptions {
  /** `auto`, `builtin` or an http(s) URL. */
  source: string;
  /** The URL `auto` tries first. */
  apiUrl: string;
  log: Logger;
  /** How long `auto` waits for the real API before falling back. */
  probeTimeoutMs?: number;
  /** Told of every request that failed and is asked again (besides the log line). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/**
 * Picks the source: an explicit URL, the built-in generator, or (auto) the
 * real API when it answers a one-user request quickly, otherwise the
 * built-in source with a one-line warning.
 */
export async function openSource(options: OpenSourceOptions): Promise<UserSource> {
  const { source, log } = options;
  const onRetry = (info: { attempt: number; delayMs: number; reason: string }) => {
    log.warn(`source: ${info.reason}; retry ${info.attempt} in ${Math.round(info.delayMs)} ms`);
    options.onRetry?.(info);
  };
  if (source === 'builtin') return new BuiltinUserSource();
  if (source !== 'auto') return new HttpUserSource({ url: source, onRetry });
  const probe = new HttpUserSource({ url: options.apiUrl, timeoutMs: options.probeTimeoutMs ?? 3000, retries: 0 });
  try {
    await probe.fetchPage({ results: 1 });
    log.info(`source: ${options.apiUrl}`);
    return new HttpUserSource({ url: options.apiUrl, onRetry });
  } catch (error) {
    log.warn(`source: ${options.apiUrl} is unreachable (${(error as Error).message}); using the built-in source`);
    return new BuiltinUserSource();
  }
}
