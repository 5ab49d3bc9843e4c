import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countBetween } from '../faults/support.ts';
import { renderCluster } from '../cluster/report.ts';

test('the rows written inside a fault window: from its start, up to and not at its end', () => {
  const times = [10, 20, 20, 30, 45, 50];
  assert.equal(countBetween(times, 20, 50), 4);
  assert.equal(countBetween(times, 21, 50), 2);
  assert.equal(countBetween(times, 0, 10), 0);
  assert.equal(countBetween(times, 0, 11), 1);
  assert.equal(countBetween(times, 51, 99), 0);
  assert.equal(countBetween([], 0, 99), 0);
});

test("the cluster report sets the rows Cassandra holds by write time beside the engine's commits, each with its rate", () => {
  const md = renderCluster({
    engine: 'node', at: '2026-12-02T04:00:00.000Z', records: 100_000, acceptedIds: 100_000, rows: 100_000, lost: 0, changed: 0, badInjected: 9, badMissingFromDlq: 0,
    faults: [{ fault: 'broker SIGSTOP', detail: 'kafka-3 paused', from: 100_000, until: 145_000, written: 13_500, landedBefore: 50_000, landedAfter: 52_000 }],
    timeline: [], writes: [],
  });
  assert.match(md, /\| broker SIGSTOP \| 45 s \| 13,500 \(300\/s\) \| 2,000 \| kafka-3 paused \|/);
});
