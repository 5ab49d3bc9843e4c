import { createHash } from 'node:crypto';
import type { RandomUser } from '../source/types.ts';
import { isUuid, type UserRecord } from './record.ts';

/**
 * The record id: the user's own `login.uuid` when it is a UUID (it is, from
 * the real API and the built-in source), so re-ingesting the same user
 * upserts the same row. Anything else is hashed into a stable name-based
 * UUID (RFC 4122 version 5 layout over SHA-1) instead of a random one.
 */
export function recordId(loginUuid: string): string {
  if (isUuid(loginUuid)) return loginUuid.toLowerCase();
  const h = createHash('sha1').update('userstream:').update(loginUuid).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The original `format_data`, with its holes fixed: `post_code` is always
 * text, `dob` is kept, the id is stable, and `ingested_at` records when the
 * user was fetched.
 */
export function toRecord(user: RandomUser, ingestedAt: Date): UserRecord {
  const loc = user.location;
  return {
    id: recordId(user.login.uuid),
    first_name: user.name.first,
    last_name: user.name.last,
    gender: user.gender,
    address: `${loc.street.number} ${loc.street.name}, ${loc.city}, ${loc.state}, ${loc.country}`,
    post_code: String(loc.postcode),
    email: user.email,
    username: user.login.username,
    dob: user.dob.date,
    registered_date: user.registered.date,
    phone: user.phone,
    picture: user.picture.medium,
    ingested_at: ingestedAt.toISOString(),
  };
}
