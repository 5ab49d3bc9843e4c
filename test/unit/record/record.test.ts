import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordId, toRecord } from '../../../src/record/from-random-user.ts';
import { z } from 'zod';
import { exactRecord, FORMATS, parseRecord, RECORD_FIELDS, RecordSchema, type UserRecord } from '../../../src/record/record.ts';
import { sampleUser } from '../../support/fixtures.ts';

test('toRecord builds the original format_data fields, with dob and ingested_at', () => {
  const r = toRecord(sampleUser(), new Date('2026-11-24T01:02:03.004Z'));
  assert.deepEqual(Object.keys(r), RECORD_FIELDS);
  assert.equal(r.id, '1e4b6b5a-8c2d-4f3a-9b7c-0d1e2f3a4b5c');
  assert.equal(r.address, '4521 Shahid Beheshti, Tabriz, Tehran, Iran');
  assert.equal(r.post_code, '71452');
  assert.equal(r.last_name, 'رضایی');
  assert.equal(r.dob, '1980-05-06T07:08:09.123Z');
  assert.equal(r.registered_date, '2015-01-02T03:04:05.678Z');
  assert.equal(r.picture, 'https://randomuser.me/api/portraits/med/women/1.jpg');
  assert.equal(r.ingested_at, '2026-11-24T01:02:03.004Z');
});

test('post_code is text whatever the API sent (GB string, NO leading zeros)', () => {
  const base = sampleUser();
  const gb = toRecord(sampleUser({ location: { ...base.location, postcode: 'EH4 7QX' } }), new Date());
  const no = toRecord(sampleUser({ location: { ...base.location, postcode: '0051' } }), new Date());
  assert.equal(gb.post_code, 'EH4 7QX');
  assert.equal(no.post_code, '0051');
});

test('the id is stable for the same user (replays upsert) and a UUID even for odd login ids', () => {
  assert.equal(recordId('ABCDEF01-2345-4678-9abc-def012345678'), 'abcdef01-2345-4678-9abc-def012345678');
  const a = recordId('not-a-uuid');
  assert.equal(a, recordId('not-a-uuid'));
  assert.notEqual(a, recordId('not-a-uuid-2'));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('parseRecord accepts what toRecord makes', () => {
  const r = toRecord(sampleUser(), new Date());
  const parsed = parseRecord(Buffer.from(JSON.stringify(r)));
  assert.deepEqual(parsed, { ok: true, record: r });
});

test('parseRecord accepts the extra fields a future producer may add, and drops them', () => {
  const r = toRecord(sampleUser(), new Date());
  const parsed = parseRecord(JSON.stringify({ ...r, extra: 1 }));
  assert.ok(parsed.ok);
  assert.equal('extra' in parsed.record, false);
});

test('parseRecord gives a reason for each kind of bad message', () => {
  const r = toRecord(sampleUser(), new Date());
  const cases: [Buffer | string | null, RegExp][] = [
    [null, /empty/],
    [Buffer.alloc(0), /empty/],
    [Buffer.from([0xff, 0xfe, 0x00]), /UTF-8/],
    ['{"id": ', /not JSON/],
    ['[1,2]', /schema violation/],
    [JSON.stringify({ ...r, id: 'nope' }), /schema violation at id/],
    [JSON.stringify({ ...r, dob: undefined }), /schema violation at dob/],
    // An integer post code is a user (the original project's form); any other number is not.
    [JSON.stringify({ ...r, post_code: 12.5 }), /schema violation at post_code/],
    [JSON.stringify({ ...r, ingested_at: 'yesterday' }), /schema violation at ingested_at/],
    [JSON.stringify({ ...r, first_name: 'x'.repeat(70_000) }), /^value is 7\d{4} bytes, over the 65536-byte limit$/],
    ['é'.repeat(32_769), /^value is 65538 bytes, over/],
  ];
  for (const [value, reason] of cases) {
    const p = parseRecord(value);
    assert.equal(p.ok, false, String(value));
    if (!p.ok) assert.match(p.reason, reason);
  }
});

/** Messages that look like records but for one thing, and records written other ways. */
function variants(r: UserRecord): unknown[] {
  const out: unknown[] = [r, { ...r, extra: 1 }, [r], null, 'text', 42, Object.assign(Object.create({ admin: true }) as object, r)];
  for (const f of RECORD_FIELDS) {
    const { [f]: _dropped, ...without } = r;
    out.push(without, { ...r, [f]: 1 }, { ...r, [f]: null }, { ...r, [f]: [r[f]] }, { ...r, [f]: `${r[f]}\n` }, { ...without, [`${f}_`]: r[f] });
  }
  out.push(JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(r).slice(1, -1)}}`));
  for (const id of ['', r.id.toUpperCase(), r.id.slice(1), `${r.id}0`, r.id.replace(/-/g, ''), r.id.replace('-', '_'), r.id.replace(/[0-9]/, 'g'), r.id.replace(/[0-9]/, '٣'), ` ${r.id}`]) out.push({ ...r, id });
  for (const at of ['2026-11-30T07:00:00Z', '2026-11-30T07:00:00.1+01:00', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-11-30T24:00:00Z', '2026-11-30T07:00Z', '2026-11-30t07:00:00z', '2026-11-30T07:00:00+0100']) {
    out.push({ ...r, ingested_at: at });
  }
  return out;
}

test('exactRecord takes only what the schema takes, and gives what the schema gives', () => {
  const r = toRecord(sampleUser(), new Date('2026-11-24T01:02:03.004Z'));
  let fast = 0;
  for (const v of variants(r)) {
    const schema = RecordSchema.safeParse(v);
    const quick = exactRecord(v);
    if (quick) {
      fast++;
      assert.ok(schema.success, `exactRecord took what the schema refuses: ${JSON.stringify(v)}`);
      assert.deepEqual(quick, schema.data);
    }
    // The schema decides the rest; parseRecord gives its verdict either way.
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      const parsed = parseRecord(JSON.stringify(v));
      assert.equal(parsed.ok, schema.success, JSON.stringify(v));
    }
  }
  // The plain record, a leap day, an offset, an upper-case id...: the common case takes the quick way.
  assert.ok(fast >= 5, `only ${fast} variants took the quick way`);
  const parsed = JSON.parse(JSON.stringify(r)) as unknown;
  assert.equal(exactRecord(parsed), parsed, 'the parsed object itself, not a copy');
});

test('the ingested_at format is an RFC 3339 date-time with seconds and a zone, as zod reads one', () => {
  // zod's own ISO date-time check, which the schema used before the format was written out so
  // that the Spark engine can share it: both must accept exactly the same strings.
  const zod = z.iso.datetime({ offset: true });
  const ours = new RegExp(`^(?:${FORMATS.ingested_at.source})$`);
  const parts = {
    y: ['0000', '0004', '0100', '0400', '1900', '2000', '2023', '2024', '2100', '9999'],
    m: ['00', '01', '02', '04', '09', '11', '12', '13'],
    d: ['00', '01', '28', '29', '30', '31', '32'],
    t: ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '12:00', '12:00:00.1', '12:00:00.123456789', '12:00:00.'],
    z: ['Z', 'z', '+00:00', '-23:59', '+24:00', '+0100', '+01', '', ' Z'],
  };
  let checked = 0;
  for (const y of parts.y) for (const m of parts.m) for (const d of parts.d) for (const t of parts.t) for (const zone of parts.z) {
    const s = `${y}-${m}-${d}T${t}${zone}`;
    assert.equal(ours.test(s), zod.safeParse(s).success, s);
    checked++;
  }
  for (const s of ['2026-11-30t10:00:00Z', '2026-11-30 10:00:00Z', ' 2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z\n', '+2026-11-30T10:00:00Z', '２026-11-30T10:00:00Z']) {
    assert.equal(ours.test(s), zod.safeParse(s).success, JSON.stringify(s));
  }
  assert.ok(checked > 40_000);
});

test('the id check exactRecord makes is the id format', () => {
  const ours = new RegExp(`^(?:${FORMATS.id.source})$`);
  const r = toRecord(sampleUser(), new Date());
  const ids = [r.id, r.id.toUpperCase(), '00000000-0000-0000-0000-000000000000', 'ffffffff-FFFF-aAaA-9999-000000000000'];
  // Every character of a valid id replaced by each of these, one at a time.
  const swaps = ['0', '9', 'a', 'f', 'A', 'F', 'g', 'G', '-', '/', ':', '@', '`', '٣', 'é', ' ', '\n'];
  for (let i = 0; i < 36; i++) for (const c of swaps) ids.push(r.id.slice(0, i) + c + r.id.slice(i + 1));
  ids.push('', r.id.slice(1), `${r.id}0`, `${r.id}\n`);
  for (const id of ids) assert.equal(exactRecord({ ...r, id }) !== undefined, ours.test(id), JSON.stringify(id));
});
