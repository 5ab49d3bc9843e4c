import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordId, toRecord } from '../../../src/record/from-random-user.ts';
import { parseRecord, RECORD_FIELDS } from '../../../src/record/record.ts';
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
    [JSON.stringify({ ...r, post_code: 12345 }), /schema violation at post_code/],
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
