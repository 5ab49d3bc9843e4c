/**
 * The built-in randomuser-compatible source: the 1.4 response shape, key
 * order and type quirks, generated offline and deterministically.
 *
 * Each user is derived from (seed, page, index) alone, so the same request
 * always answers the same users, the first N users of a page do not depend
 * on how many were asked for, and every page is its own stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  MAX_RESULTS_PER_REQUEST,
  NATIONALITIES,
  type Nationality,
  type RandomUser,
  type RandomUserResponse,
} from '../types.ts';
import {
  DATA,
  DEFAULT_TITLES,
  PASSWORDS,
  TIMEZONES,
  USERNAME_ADJECTIVES,
  USERNAME_ANIMALS,
} from './data.ts';

export const API_VERSION = '1.4';
export const DEFAULT_BASE_URL = 'https://randomuser.me';

/**
 * Ages are counted from this fixed day, not from today, so that a seed
 * answers the same users next year too.
 */
export const REFERENCE_DATE = Date.UTC(2026, 0, 1);

export interface GenerateOptions {
  /** How many users; like the API, anything outside 1..5000 becomes 1. */
  results?: number | undefined;
  /** Any string; absent = a fresh 16-hex seed, returned in `info.seed`. */
  seed?: string | undefined;
  /** 1-based page; invalid = 1. */
  page?: number | undefined;
  /** Nationality codes (case-insensitive); empty or one unknown code = all. */
  nat?: readonly string[] | string | undefined;
  /** Only users of this gender; ignored when a seed is given, like the API. */
  gender?: string | undefined;
  /** Origin of the picture URLs (default https://randomuser.me). */
  baseUrl?: string | undefined;
}

/** Answers one randomuser request. */
export function generateUsers(options: GenerateOptions = {}): RandomUserResponse {
  const results = normaliseResults(options.results);
  const page = normalisePage(options.page);
  const seedGiven = options.seed !== undefined && options.seed !== '';
  const seed = seedGiven ? options.seed! : randomBytes(8).toString('hex');
  const nats = normaliseNat(options.nat);
  const gender = !seedGiven && (options.gender === 'male' || options.gender === 'female') ? options.gender : undefined;
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  // The nationality list is part of the stream: the same seed with another
  // `nat` answers other users, as the real API does.
  const stream = `${seed}\u0000${page}\u0000${nats.join(',')}\u0000${gender ?? ''}`;
  const users: RandomUser[] = new Array<RandomUser>(results);
  for (let i = 0; i < results; i++) users[i] = generateUser(new Prng(`${stream}\u0000${i}`), nats, gender, base);
  return { results: users, info: { seed, results, page, version: API_VERSION } };
}

export function normaliseResults(results: number | undefined): number {
  return results !== undefined && Number.isInteger(results) && results >= 1 && results <= MAX_RESULTS_PER_REQUEST
    ? results
    : 1;
}

function normalisePage(page: number | undefined): number {
  return page !== undefined && Number.isInteger(page) && page >= 1 ? page : 1;
}

/** The API's rule: a comma list, case-insensitive; one unknown code drops the whole list. */
export function normaliseNat(nat: readonly string[] | string | undefined): readonly Nationality[] {
  const codes = (typeof nat === 'string' ? nat.split(',') : (nat ?? []))
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  if (codes.length === 0 || !codes.every(isNationality)) return NATIONALITIES;
  return [...new Set(codes)] as Nationality[];
}

function isNationality(code: string): code is Nationality {
  return (NATIONALITIES as readonly string[]).includes(code);
}

/** Top-level fields of a result, in the API's order (the names `inc`/`exc` take). */
export const USER_FIELDS = [
  'gender', 'name', 'location', 'email', 'login', 'dob', 'registered', 'phone', 'cell', 'id', 'picture', 'nat',
] as const;

/**
 * The API's `inc`/`exc` parameters: comma lists of top-level fields. `inc`
 * wins when both are given; unknown names are ignored.
 */
export function applyFieldFilter(
  user: RandomUser,
  inc: readonly string[] | undefined,
  exc: readonly string[] | undefined,
): Partial<RandomUser> {
  const norm = (list: readonly string[] | undefined) =>
    list?.map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
  const include = norm(inc);
  const exclude = norm(exc);
  if ((include === undefined || include.length === 0) && (exclude === undefined || exclude.length === 0)) return user;
  const keep = (field: string) =>
    include !== undefined && include.length > 0 ? include.includes(field) : !exclude!.includes(field);
  const out: Record<string, unknown> = {};
  for (const field of USER_FIELDS) if (keep(field)) out[field] = user[field];
  return out as Partial<RandomUser>;
}

function generateUser(rng: Prng, nats: readonly Nationality[], fixedGender: 'male' | 'female' | undefined, base: string): RandomUser {
  const nat = rng.pick(nats);
  const d = DATA[nat];
  const gender = fixedGender ?? (rng.next() < 0.5 ? 'male' : 'female');
  const [first, firstLatin] = split(rng.pick(gender === 'male' ? d.male : d.female));
  const [last, lastLatin] = split(rng.pick(d.last));
  const [cityPair, statePair] = rng.pick(d.places);
  const [street] = split(rng.pick(d.streets));
  const [offset, description] = rng.pick(TIMEZONES);
  const password = rng.pick(PASSWORDS);
  const salt = rng.string(8, SALT_ALPHABET);
  const dob = rng.int(Date.UTC(1946, 0, 1), Date.UTC(2005, 11, 31));
  const registered = rng.int(Date.UTC(2002, 0, 1), Date.UTC(2025, 11, 31));
  const portrait = rng.int(0, 99);
  const folder = gender === 'male' ? 'men' : 'women';
  return {
    gender,
    name: { title: rng.pick((d.titles ?? DEFAULT_TITLES)[gender]), first, last },
    location: {
      street: { number: rng.int(1, 9999), name: street },
      city: split(cityPair)[0],
      state: split(statePair)[0],
      country: d.country,
      postcode: typeof d.postcode === 'string' ? rng.pattern(d.postcode) : rng.int(d.postcode[0], d.postcode[1]),
      coordinates: {
        latitude: (rng.next() * 180 - 90).toFixed(4),
        longitude: (rng.next() * 360 - 180).toFixed(4),
      },
      timezone: { offset, description },
    },
    email: `${emailPart(firstLatin)}.${emailPart(lastLatin)}@example.com`,
    login: {
      uuid: rng.uuid(),
      username: `${rng.pick(USERNAME_ADJECTIVES)}${rng.pick(USERNAME_ANIMALS)}${rng.int(100, 999)}`,
      password,
      salt,
      md5: digest('md5', password + salt),
      sha1: digest('sha1', password + salt),
      sha256: digest('sha256', password + salt),
    },
    dob: { date: new Date(dob).toISOString(), age: yearsBefore(dob, REFERENCE_DATE) },
    registered: { date: new Date(registered).toISOString(), age: yearsBefore(registered, REFERENCE_DATE) },
    phone: rng.pattern(d.phone),
    cell: rng.pattern(d.cell),
    id: { name: d.id.name, value: d.id.value === null ? null : rng.pattern(d.id.value) },
    picture: {
      large: `${base}/api/portraits/${folder}/${portrait}.jpg`,
      medium: `${base}/api/portraits/med/${folder}/${portrait}.jpg`,
      thumbnail: `${base}/api/portraits/thumb/${folder}/${portrait}.jpg`,
    },
    nat,
  };
}

const SALT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `native|latin` → [native, latin]; a plain entry is its own transliteration. */
function split(entry: string): [string, string] {
  const bar = entry.indexOf('|');
  return bar < 0 ? [entry, entry] : [entry.slice(0, bar), entry.slice(bar + 1)];
}

const SPECIAL_LATIN: Record<string, string> = {
  ß: 'ss', æ: 'ae', Æ: 'ae', ø: 'o', Ø: 'o', đ: 'd', Đ: 'd', ı: 'i', ł: 'l', Ł: 'l', œ: 'oe',
};

/** An ASCII e-mail local part: diacritics folded, spaces and apostrophes dropped, lower case. */
export function emailPart(name: string): string {
  return name
    .replace(/[ßæÆøØđĐıłŁœ]/g, (c) => SPECIAL_LATIN[c]!)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9-]/g, '')
    .toLowerCase();
}

function digest(algorithm: 'md5' | 'sha1' | 'sha256', text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/** Whole years from `from` to `to` (both epoch ms, UTC). */
export function yearsBefore(from: number, to: number): number {
  const a = new Date(from);
  const b = new Date(to);
  let years = b.getUTCFullYear() - a.getUTCFullYear();
  if (b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())) years--;
  return years;
}

/**
 * A small, fast, seedable generator (SFC32) whose 128-bit state comes from
 * SHA-256 of the stream key. Not for cryptography: for reproducible test data.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: string) {
    const h = createHash('sha256').update(key).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  string(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  /** `#` → a digit, `?` → a capital letter, anything else kept. */
  pattern(template: string): string {
    let s = '';
    for (const ch of template) {
      if (ch === '#') s += String(Math.floor(this.next() * 10));
      else if (ch === '?') s += UPPER[Math.floor(this.next() * 26)];
      else s += ch;
    }
    return s;
  }

  /** An RFC 4122 version-4 layout UUID from this generator's bits. */
  uuid(): string {
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) bytes.writeUInt32LE(this.nextUint32(), i);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
