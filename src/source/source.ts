import type { RandomUser, RandomUserInfo } from './types.ts';

export interface PageRequest {
  results: number;
  seed?: string | undefined;
  page?: number | undefined;
  nat?: string | undefined;
}

export interface Page {
  users: RandomUser[];
  info: RandomUserInfo | undefined;
  /** Results the response held that were not well-formed users (skipped, counted). */
  rejected: number;
}

/** Anything that hands out pages of randomuser-shaped users. */
export interface UserSource {
  /** `builtin` or the URL it asks. */
  readonly name: string;
  fetchPage(request: PageRequest, signal?: AbortSignal): Promise<Page>;
}
