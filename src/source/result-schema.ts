import { z } from 'zod';
import type { RandomUser } from './types.ts';

/**
 * What we require of one API result before accepting it. Lenient where the
 * real API is inconsistent (postcode number|string, id.value null) and strict
 * where the record mapping needs a value.
 */
const text = z.string();
export const RandomUserSchema = z
  .object({
    gender: text,
    name: z.object({ title: text, first: text, last: text }).passthrough(),
    location: z
      .object({
        street: z.object({ number: z.union([z.number(), text]), name: text }).passthrough(),
        city: text,
        state: text,
        country: text,
        postcode: z.union([z.number(), text]),
      })
      .passthrough(),
    email: text,
    login: z.object({ uuid: text.min(1), username: text }).passthrough(),
    dob: z.object({ date: text }).passthrough(),
    registered: z.object({ date: text }).passthrough(),
    phone: text,
    picture: z.object({ medium: text }).passthrough(),
  })
  .passthrough();

export const ResponseSchema = z.object({
  results: z.array(z.unknown()),
  info: z
    .object({ seed: text, results: z.number(), page: z.number(), version: text })
    .passthrough()
    .optional(),
});

/** Splits raw results into well-formed users and a count of the rest. */
export function acceptUsers(results: unknown[]): { users: RandomUser[]; rejected: number } {
  const users: RandomUser[] = [];
  let rejected = 0;
  for (const r of results) {
    if (RandomUserSchema.safeParse(r).success) users.push(r as RandomUser);
    else rejected++;
  }
  return { users, rejected };
}
