import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cardOf, cardOfRow, rateFrom } from '../../../src/dashboard/collector.ts';
import { dashboardPage } from '../../../src/dashboard/page.ts';
import { parseCheckpointOffsets, slowerOf, sparkCheckpointOffsets } from '../../../src/engines/spark/checkpoint.ts';
import { metrics, observeLatency } from '../../../src/metrics/metrics.ts';
import { toRecord } from '../../../src/record/from-random-user.ts';
import { generateUsers } from '../../../src/source/builtin/index.ts';
import { portraitOf } from '../../../src/source/portrait.ts';

test('the ingest rate is the slope of the topic total over the window', () => {
  assert.equal(rateFrom([]), 0);
  assert.equal(rateFrom([{ t: 0, total: 10 }]), 0);
  assert.equal(rateFrom([{ t: 0, total: 0 }, { t: 1000, total: 400 }, { t: 2000, total: 1000 }]), 500);
  // A topic recreated under the dashboard (total falls) is not a negative rate.
  assert.equal(rateFrom([{ t: 0, total: 1000 }, { t: 1000, total: 0 }]), 0);
});

test('Spark progress: the newest committed batch\'s offsets file, the slower of the two queries', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'us-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rows = join(dir, 'rows');
  assert.equal(sparkCheckpointOffsets(rows, 'users'), undefined, 'no checkpoint yet');
  mkdirSync(join(rows, 'offsets'), { recursive: true });
  mkdirSync(join(rows, 'commits'), { recursive: true });
  const file = (offsets: Record<string, number>) =>
    `v1\n{"batchWatermarkMs":0,"batchTimestampMs":1,"conf":{}}\n${JSON.stringify({ users: offsets })}`;
  writeFileSync(join(rows, 'offsets', '0'), file({ 0: 10, 1: 20 }));
  writeFileSync(join(rows, 'offsets', '1'), file({ 0: 30, 1: 40 }));
  writeFileSync(join(rows, 'offsets', '2'), file({ 0: 99, 1: 99 })); // planned, not committed
  writeFileSync(join(rows, 'commits', '0'), 'v1\n{}');
  writeFileSync(join(rows, 'commits', '1'), 'v1\n{}');
  assert.deepEqual(sparkCheckpointOffsets(rows, 'users'), new Map([[0, 30n], [1, 40n]]));
  assert.equal(parseCheckpointOffsets(file({ 0: 1 }), 'other'), undefined);
  assert.deepEqual(slowerOf(new Map([[0, 30n], [1, 40n]]), new Map([[0, 35n], [1, 20n]])), new Map([[0, 30n], [1, 20n]]));
  // One query without a committed batch has done nothing: the pipeline is at zero, not at the other's progress.
  assert.deepEqual(slowerOf(undefined, new Map([[0, 5n]])), new Map([[0, 0n]]));
  assert.equal(slowerOf(undefined, undefined), undefined);
});

test('a user card from a record on the topic; a bad message is no card', () => {
  const [user] = generateUsers({ results: 1, seed: 'cards', page: 1 }).results;
  const record = toRecord(user!, new Date('2026-11-25T10:00:00Z'));
  const card = cardOf(Buffer.from(JSON.stringify(record)));
  assert.equal(card?.id, record.id);
  assert.equal(card?.name, `${record.first_name} ${record.last_name}`);
  assert.equal(card?.picture, record.picture);
  assert.equal(card?.ingestedAt, '2026-11-25T10:00:00.000Z');
  assert.equal(cardOf(Buffer.from('not json')), undefined);
});

test('one user, one card: from its message on the topic and from its row in the table (a row may lack fields)', () => {
  const [user] = generateUsers({ results: 1, seed: 'cards', page: 2 }).results;
  const record = toRecord(user!, new Date('2026-11-25T10:00:00Z'));
  const row = { ...record, ingested_at: new Date(record.ingested_at!), id: { toString: () => record.id } };
  assert.deepEqual(cardOfRow(row), cardOf(JSON.stringify(record)));
  assert.deepEqual(cardOfRow({ id: record.id, first_name: 'Ada', last_name: null, email: null, address: null, picture: null, ingested_at: null }), {
    id: record.id, name: 'Ada', email: '', place: '', picture: '', localPicture: null, ingestedAt: '',
  });
});

test('the card carries the dashboard\'s own portrait for a randomuser-style picture, and the page takes it from the card', () => {
  const [user] = generateUsers({ results: 1, seed: 'cards', page: 1 }).results;
  const record = toRecord(user!, new Date('2026-11-25T10:00:00Z'));
  const card = (picture: string) => cardOf(JSON.stringify({ ...record, picture }));
  assert.equal(card('https://randomuser.me/api/portraits/med/women/12.jpg')?.localPicture, '/portraits/women/12.svg');
  assert.equal(card('http://127.0.0.1:8000/api/portraits/men/3.jpg')?.localPicture, '/portraits/men/3.svg');
  assert.equal(card('https://example.com/me.png')?.localPicture, null);
  // One rule: the page renders the card's fallback and keeps no copy of the URL pattern.
  const html = dashboardPage();
  assert.match(html, /const fallback = u\.localPicture;/);
  assert.doesNotMatch(html, /men\|women/);
});

test('portrait URLs of the API map to the dashboard\'s own pictures', () => {
  assert.deepEqual(portraitOf('https://randomuser.me/api/portraits/med/women/12.jpg'), { folder: 'women', n: 12 });
  assert.deepEqual(portraitOf('http://127.0.0.1:8000/api/portraits/men/3.jpg'), { folder: 'men', n: 3 });
  assert.equal(portraitOf('https://example.com/me.png'), undefined);
});

test('the latency histogram observes seconds from ingested_at', async () => {
  const before = (await metrics.latency.get()).values.find((v) => v.metricName === 'userstream_end_to_end_latency_seconds_count' && v.labels.engine === 'unit');
  assert.equal(before, undefined);
  observeLatency('unit', ['2026-11-25T10:00:00.000Z', '2026-11-25T10:00:01.500Z', 'garbage'].map(Date.parse), Date.parse('2026-11-25T10:00:02.000Z'));
  const values = (await metrics.latency.get()).values.filter((v) => v.labels.engine === 'unit');
  assert.equal(values.find((v) => v.metricName === 'userstream_end_to_end_latency_seconds_count')?.value, 2);
  assert.equal(values.find((v) => v.metricName === 'userstream_end_to_end_latency_seconds_sum')?.value, 2.5);
  assert.equal(values.find((v) => (v.labels as Record<string, unknown>).le === 1)?.value, 1);
});

test('the page has labels, a skip link, a live status and no external resources', () => {
  const html = dashboardPage();
  assert.match(html, /<html lang="en">/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(html, /class="skip" href="#main"/);
  assert.match(html, /role="status"/);
  for (const label of ['Ingest rate', 'Records in Kafka', 'Rows in Cassandra', 'Engine lag', 'Dead-lettered']) assert.match(html, new RegExp(`<dt>${label}</dt>`));
  assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing loaded from elsewhere');
});
