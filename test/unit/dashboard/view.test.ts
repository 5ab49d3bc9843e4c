import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { PAGE_HELPERS, dashboardPage } from '../../../src/dashboard/page.ts';
import { breakAfterSeparators, rateChart, shortNumber, timeTicks, valueTicks, workerName } from '../../../src/dashboard/view.ts';

test('the rate axis: round steps of 1, 2 or 5 × 10^k from 0 up to the peak or just above', () => {
  assert.deepEqual(valueTicks(340), [0, 100, 200, 300, 400]);
  assert.deepEqual(valueTicks(400), [0, 100, 200, 300, 400]);
  assert.deepEqual(valueTicks(1234), [0, 500, 1000, 1500]);
  assert.deepEqual(valueTicks(25_000), [0, 10_000, 20_000, 30_000]);
  assert.deepEqual(valueTicks(3), [0, 1, 2, 3], 'never a step below one record/s');
  // Idle: still a scale.
  assert.deepEqual(valueTicks(0), [0, 1]);
  assert.deepEqual(valueTicks(Number.NaN), [0, 1]);
  for (const max of [1, 7, 99, 101, 999, 4321, 65_000, 1_000_001]) {
    const ticks = valueTicks(max);
    assert.ok(ticks.at(-1)! >= max && ticks.length >= 2 && ticks.length <= 6, `${max}: ${ticks.join(',')}`);
  }
});

test('tick numbers are short: 250, 1.5k, 20k, 1.2M', () => {
  assert.deepEqual([0, 250, 1000, 1500, 20_000, 1_200_000].map(shortNumber), ['0', '250', '1k', '1.5k', '20k', '1.2M']);
});

test('the time axis: round steps back from now, at most the intervals asked for', () => {
  assert.deepEqual(timeTicks(60), [
    { at: 0, label: '−1 min' }, { at: 0.25, label: '−45 s' }, { at: 0.5, label: '−30 s' }, { at: 0.75, label: '−15 s' }, { at: 1, label: 'now' },
  ]);
  assert.deepEqual(timeTicks(120).map((t) => t.label), ['−2 min', '−90 s', '−1 min', '−30 s', 'now']);
  // A phone: fewer labels.
  assert.deepEqual(timeTicks(120, 2), [{ at: 0, label: '−2 min' }, { at: 0.5, label: '−1 min' }, { at: 1, label: 'now' }]);
  assert.deepEqual(timeTicks(60, 0).map((t) => t.label), ['−1 min', 'now']);
  // A span that is no multiple of the step: the oldest edge has no label.
  assert.deepEqual(timeTicks(75).map((t) => t.label), ['−1 min', '−30 s', 'now']);
});

test('the rate chart: newest at the right edge, at least a minute wide, scaled to the rounded peak', () => {
  const c = rateChart([100, 200, 300, 340]);
  assert.equal(c.span, 60);
  assert.equal(c.peak, 340);
  // Four points, one a second, ending at now (x 1000); y from the top of a 0–400 scale.
  assert.equal(c.points, '950,75 966.67,50 983.33,25 1000,15');
  assert.deepEqual(c.values.map((v) => [v.value, v.at, v.label]), [[0, 0, '0'], [100, 0.25, '100'], [200, 0.5, '200'], [300, 0.75, '300'], [400, 1, '400']]);
  assert.equal(c.times.at(-1)!.label, 'now');
  const long = rateChart(Array.from({ length: 120 }, () => 2500));
  assert.equal(long.span, 120);
  assert.equal(long.points.split(' ')[0], '8.33,16.67');
  assert.deepEqual(long.values.map((v) => v.label), ['0', '1k', '2k', '3k']);
  assert.deepEqual(long.times.map((t) => t.label), ['−2 min', '−90 s', '−1 min', '−30 s', 'now']);
  const idle = rateChart([]);
  assert.equal(idle.points, '');
  assert.equal(idle.peak, 0);
  assert.deepEqual(idle.values.map((v) => v.value), [0, 1]);
});

test('a Spark worker is named by its address once; its id only when it says more', () => {
  assert.equal(workerName('worker-20261206123456-127.0.0.1-35211', '127.0.0.1:35211'), '127.0.0.1:35211');
  assert.equal(workerName('worker-20261206123456-spark-worker-2-7078', 'spark-worker-2:7078'), 'spark-worker-2:7078');
  assert.equal(workerName('worker-20261206123456-10.0.0.5-7078', '10.0.0.6:7078'), '10.0.0.6:7078 (worker-20261206123456-10.0.0.5-7078)');
  assert.equal(workerName('w1', '127.0.0.1:35211'), '127.0.0.1:35211 (w1)');
  // The master's entry without host or port: the id's own address stands in.
  assert.equal(workerName('worker-20261206123456-127.0.0.1-35211', '?:?'), '127.0.0.1:35211');
  assert.equal(workerName('?', '?:?'), '?');
});

test('a checkpoint path breaks after its separators, and nothing is lost', () => {
  const source = 'From Spark checkpoint /work/main/.stack/data/spark-checkpoints/userstream_users_created_to_userstream_created_users/rows';
  const pieces = breakAfterSeparators(source);
  assert.equal(pieces.join(''), source);
  assert.deepEqual(pieces.slice(-4), ['userstream_', 'created_', 'users/', 'rows']);
  // No piece longer than a card's line.
  assert.ok(pieces.every((p) => p.length <= 30), pieces.join(' | '));
  assert.deepEqual(breakAfterSeparators('consumer group it_ab12'), ['consumer group it_', 'ab12']);
});

test('the page runs these very helpers, and they need nothing but each other', () => {
  const html = dashboardPage();
  assert.ok(html.includes(PAGE_HELPERS));
  const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
  assert.doesNotThrow(() => new vm.Script(script), 'the page script parses');
  // In a bare context (no module scope, no Node), as in the browser.
  const context = vm.createContext({});
  vm.runInContext(PAGE_HELPERS, context);
  const run = (expr: string) => JSON.parse(JSON.stringify(vm.runInContext(expr, context)));
  assert.deepEqual(run('rateChart([5, 0, 1500, 40], 3)'), JSON.parse(JSON.stringify(rateChart([5, 0, 1500, 40], 3))));
  assert.equal(run("workerName('worker-20261206123456-127.0.0.1-35211', '127.0.0.1:35211')"), '127.0.0.1:35211');
  assert.deepEqual(run("breakAfterSeparators('/a_b/c')"), ['/', 'a_', 'b/', 'c']);
});
