import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IngestProgress } from '../../../src/ingest/ingest.ts';
import { formatIngestSummary, ingestSummaryJson, parseIngestSummary } from '../../../src/ingest/summary.ts';

const summary: IngestProgress = { accepted: 1500, produced: 1500, rejected: 2, requests: 3, elapsedMs: 1234.5678 };

test('the summary as one JSON line, parsed back, is the same value', () => {
  const line = ingestSummaryJson(summary);
  assert.doesNotMatch(line, /\n/);
  assert.deepEqual(parseIngestSummary(line), summary);
  const none: IngestProgress = { accepted: 0, produced: 0, rejected: 0, requests: 0, elapsedMs: 0 };
  assert.deepEqual(parseIngestSummary(ingestSummaryJson(none)), none);
});

test('the human line is the one tests and people read', () => {
  assert.equal(formatIngestSummary(summary), 'ingested 1500 records in 1.2 s (1215/s) over 3 requests; 2 malformed results skipped');
  assert.equal(formatIngestSummary({ ...summary, produced: 0, elapsedMs: 0 }), 'ingested 0 records in 0.0 s (0/s) over 3 requests; 2 malformed results skipped');
});

test('parsing finds the JSON line in a task log, after a prefix, and the last one wins', () => {
  const earlier = { ...summary, produced: 1, accepted: 1 };
  const log = [
    '[2026-01-01, 00:00:00 UTC] {subprocess.py:93} INFO - ingest: builtin → users_created for 60 s',
    `[2026-01-01, 00:00:01 UTC] {subprocess.py:93} INFO - ${ingestSummaryJson(earlier)}`,
    `[2026-01-01, 00:00:02 UTC] {subprocess.py:93} INFO - ${formatIngestSummary(summary)}`,
    `[2026-01-01, 00:00:02 UTC] {subprocess.py:93} INFO - ${ingestSummaryJson(summary)}  `,
    '[2026-01-01, 00:00:02 UTC] {subprocess.py:97} INFO - Command exited with return code 0',
  ].join('\n');
  assert.deepEqual(parseIngestSummary(log), summary);
});

test('no summary: only the human line, a broken or incomplete JSON line', () => {
  assert.equal(parseIngestSummary(formatIngestSummary(summary)), undefined);
  assert.equal(parseIngestSummary(''), undefined);
  assert.equal(parseIngestSummary('{"ingestSummary":{"produced":1'), undefined);
  assert.equal(parseIngestSummary('{"ingestSummary":{"accepted":1,"produced":1,"rejected":0,"requests":"1","elapsedMs":5}}'), undefined);
  assert.equal(parseIngestSummary('{"ingestSummary":null}'), undefined);
});
