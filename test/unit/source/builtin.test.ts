import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parseRecord } from '../../../src/record/record.ts';
import { toRecord } from '../../../src/record/from-random-user.ts';
import {
  applyFieldFilter,
  emailPart,
  generateUsers,
  normaliseNat,
  Prng,
  USER_FIELDS,
  yearsBefore,
} from '../../../src/source/builtin/index.ts';
import { RandomUserSchema } from '../../../src/source/result-schema.ts';
import { NATIONALITIES } from '../../../src/source/types.ts';

test('the same seed and page answer the same users; another page or seed answers others', () => {
  const a = generateUsers({ results: 50, seed: 'kafka', page: 2 });
  const b = generateUsers({ results: 50, seed: 'kafka', page: 2 });
  assert.deepEqual(a, b);
  const otherPage = generateUsers({ results: 50, seed: 'kafka', page: 3 });
  const otherSeed = generateUsers({ results: 50, seed: 'spark', page: 2 });
  const ids = new Set(a.results.map((u) => u.login.uuid));
  assert.ok(otherPage.results.every((u) => !ids.has(u.login.uuid)));
  assert.ok(otherSeed.results.every((u) => !ids.has(u.login.uuid)));
});

test('the first N users of a page do not depend on how many were asked for', () => {
  const few = generateUsers({ results: 5, seed: 's' });
  const many = generateUsers({ results: 500, seed: 's' });
  assert.deepEqual(many.results.slice(0, 5), few.results);
});

test('info echoes seed, count, page and version; without a seed a 16-hex one is chosen', () => {
  const r = generateUsers({ results: 3, seed: 'abc', page: 4 });
  assert.deepEqual(r.info, { seed: 'abc', results: 3, page: 4, version: '1.4' });
  const x = generateUsers({ results: 2 });
  assert.match(x.info!.seed, /^[0-9a-f]{16}$/);
  assert.deepEqual(generateUsers({ results: 2, seed: x.info!.seed }).results, x.results);
});

test('results outside 1..5000 and invalid pages become 1, like the API', () => {
  assert.equal(generateUsers({ results: 5000, seed: 's' }).results.length, 5000);
  for (const results of [0, -3, 5001, 2.5, Number.NaN, undefined]) {
    assert.equal(generateUsers({ results, seed: 's' }).results.length, 1, String(results));
  }
  assert.equal(generateUsers({ results: 1, seed: 's', page: 0 }).info?.page, 1);
  assert.equal(generateUsers({ results: 1, seed: 's', page: -1 }).info?.page, 1);
});

test('a result has the API key order and types', () => {
  const [u] = generateUsers({ results: 1, seed: 'order' }).results;
  assert.deepEqual(Object.keys(u!), [...USER_FIELDS]);
  assert.deepEqual(Object.keys(u!.name), ['title', 'first', 'last']);
  assert.deepEqual(Object.keys(u!.location), ['street', 'city', 'state', 'country', 'postcode', 'coordinates', 'timezone']);
  assert.deepEqual(Object.keys(u!.login), ['uuid', 'username', 'password', 'salt', 'md5', 'sha1', 'sha256']);
  assert.equal(typeof u!.location.street.number, 'number');
  assert.match(u!.location.coordinates.latitude, /^-?\d+\.\d{4}$/);
  assert.match(u!.login.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(u!.dob.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(u!.registered.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(u!.picture.large, /^https:\/\/randomuser\.me\/api\/portraits\/(men|women)\/\d+\.jpg$/);
  assert.match(u!.picture.medium, /\/api\/portraits\/med\/(men|women)\/\d+\.jpg$/);
  assert.match(u!.picture.thumbnail, /\/api\/portraits\/thumb\/(men|women)\/\d+\.jpg$/);
});

test('password hashes are the real digests of password + salt', () => {
  for (const u of generateUsers({ results: 20, seed: 'hash' }).results) {
    const text = u.login.password + u.login.salt;
    assert.equal(u.login.md5, createHash('md5').update(text).digest('hex'));
    assert.equal(u.login.sha1, createHash('sha1').update(text).digest('hex'));
    assert.equal(u.login.sha256, createHash('sha256').update(text).digest('hex'));
  }
});

test('postcode is a string for GB, CA, NO and NL and a number elsewhere', () => {
  const users = generateUsers({ results: 2000, seed: 'postcodes' }).results;
  const seen = new Set(users.map((u) => u.nat));
  assert.equal(seen.size, NATIONALITIES.length, 'every nationality appears in 2000 users');
  for (const u of users) {
    const expected = ['GB', 'CA', 'NO', 'NL'].includes(u.nat) ? 'string' : 'number';
    assert.equal(typeof u.location.postcode, expected, `${u.nat}: ${u.location.postcode}`);
  }
  const gb = users.find((u) => u.nat === 'GB')!;
  assert.match(String(gb.location.postcode), /^[A-Z]{2}\d [0-9][A-Z]{2}$/);
});

test('id.value is null for IR, NZ, TR and UA; FI gets the API garbage', () => {
  const users = generateUsers({ results: 1000, seed: 'ids', nat: ['ir', 'nz', 'tr', 'ua', 'fi'] }).results;
  for (const u of users) {
    if (u.nat === 'FI') assert.match(u.id.value!, /undefined$/);
    else assert.equal(u.id.value, null, u.nat);
  }
});

test('non-Latin and accented names keep their script; e-mail is transliterated ASCII', () => {
  const users = generateUsers({ results: 300, seed: 'names', nat: 'IR,UA,TR' }).results;
  const ir = users.find((u) => u.nat === 'IR')!;
  assert.match(ir.name.first, /[\u0600-\u06ff]/);
  const ua = users.find((u) => u.nat === 'UA')!;
  assert.match(ua.name.last, /[\u0400-\u04ff]/);
  for (const u of users) assert.match(u.email, /^[a-z0-9-]+\.[a-z0-9-]+@example\.com$/, u.email);
  assert.equal(emailPart('Đorđević'), 'dordevic');
  assert.equal(emailPart('Şükrü'), 'sukru');
  assert.equal(emailPart("O'Connor"), 'oconnor');
  assert.equal(emailPart('van den Berg'), 'vandenberg');
  assert.equal(emailPart('Weiß'), 'weiss');
});

test('nat filters case-insensitively; one unknown code drops the whole list', () => {
  const fr = generateUsers({ results: 100, seed: 'n', nat: 'fr,Gb' }).results;
  assert.ok(fr.every((u) => u.nat === 'FR' || u.nat === 'GB'));
  assert.deepEqual(normaliseNat('fr,xx'), NATIONALITIES);
  assert.deepEqual(normaliseNat(''), NATIONALITIES);
  assert.deepEqual(normaliseNat(['us', ' US ']), ['US']);
});

test('gender filters without a seed and is ignored with one', () => {
  assert.ok(generateUsers({ results: 200, gender: 'female' }).results.every((u) => u.gender === 'female'));
  const seeded = generateUsers({ results: 200, seed: 'g', gender: 'female' }).results;
  assert.ok(seeded.some((u) => u.gender === 'male'));
  assert.deepEqual(seeded, generateUsers({ results: 200, seed: 'g' }).results);
});

test('picture URLs follow the base URL', () => {
  const [u] = generateUsers({ results: 1, seed: 'p', baseUrl: 'http://127.0.0.1:8000/' }).results;
  assert.match(u!.picture.large, /^http:\/\/127\.0\.0\.1:8000\/api\/portraits\//);
});

test('ages are whole years to the reference date', () => {
  assert.equal(yearsBefore(Date.UTC(2000, 0, 1), Date.UTC(2026, 0, 1)), 26);
  assert.equal(yearsBefore(Date.UTC(2000, 0, 2), Date.UTC(2026, 0, 1)), 25);
  for (const u of generateUsers({ results: 50, seed: 'age' }).results) {
    assert.ok(u.dob.age >= 20 && u.dob.age <= 80, String(u.dob.age));
  }
});

test('inc keeps only the named fields, exc drops them, in API order', () => {
  const [u] = generateUsers({ results: 1, seed: 'f' }).results;
  assert.deepEqual(Object.keys(applyFieldFilter(u!, ['nat', 'Email', 'bogus'], undefined)), ['email', 'nat']);
  const dropped = Object.keys(applyFieldFilter(u!, undefined, ['login', 'id']));
  assert.deepEqual(dropped, USER_FIELDS.filter((f) => f !== 'login' && f !== 'id'));
  assert.deepEqual(Object.keys(applyFieldFilter(u!, ['gender'], ['gender'])), ['gender']);
  assert.equal(applyFieldFilter(u!, undefined, undefined), u);
});

test('every generated user passes the source schema and maps to a valid record', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  for (const u of generateUsers({ results: 3000, seed: 'contract' }).results) {
    assert.ok(RandomUserSchema.safeParse(u).success, u.nat);
    const parsed = parseRecord(JSON.stringify(toRecord(u, now)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.equal(parsed.record.id, u.login.uuid);
    assert.equal(parsed.record.post_code, String(u.location.postcode));
  }
});

test('Prng: deterministic per key, roughly uniform', () => {
  const a = new Prng('k');
  const b = new Prng('k');
  const xs = Array.from({ length: 10000 }, () => a.next());
  assert.deepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => b.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, String(mean));
  const ints = new Set(Array.from({ length: 1000 }, () => a.int(1, 6)));
  assert.deepEqual([...ints].sort(), [1, 2, 3, 4, 5, 6]);
  assert.match(new Prng('u').pattern('??# #??'), /^[A-Z]{2}\d \d[A-Z]{2}$/);
});
