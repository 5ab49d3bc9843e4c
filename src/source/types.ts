/**
 * The randomuser.me 1.4 response shape, as the real API sends it and as the
 * built-in source reproduces it (key order included). Types are the union of
 * what the real API has been seen to send: `postcode` is a number for most
 * nationalities and a string for GB, CA, NO and NL; `id.value` is null for
 * IR, NZ, TR and UA.
 */
export interface RandomUser {
  gender: 'male' | 'female';
  name: { title: string; first: string; last: string };
  location: {
    street: { number: number; name: string };
    city: string;
    state: string;
    country: string;
    postcode: number | string;
    coordinates: { latitude: string; longitude: string };
    timezone: { offset: string; description: string };
  };
  email: string;
  login: {
    uuid: string;
    username: string;
    password: string;
    salt: string;
    md5: string;
    sha1: string;
    sha256: string;
  };
  dob: { date: string; age: number };
  registered: { date: string; age: number };
  phone: string;
  cell: string;
  id: { name: string; value: string | null };
  picture: { large: string; medium: string; thumbnail: string };
  nat: string;
}

export interface RandomUserInfo {
  seed: string;
  results: number;
  page: number;
  version: string;
}

export interface RandomUserResponse {
  results: RandomUser[];
  info?: RandomUserInfo;
}

/** Nationalities the 1.4 API knows. */
export const NATIONALITIES = [
  'AU', 'BR', 'CA', 'CH', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE',
  'IN', 'IR', 'MX', 'NL', 'NO', 'NZ', 'RS', 'TR', 'UA', 'US',
] as const;
export type Nationality = (typeof NATIONALITIES)[number];

/** The API's own ceiling on `results`; larger or invalid values become 1. */
export const MAX_RESULTS_PER_REQUEST = 5000;
