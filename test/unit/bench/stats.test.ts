import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  busyShare, latenciesIn, latencySummary, parseProc, parseProcStat, percentile, perSecondSeries, procUsage, slope, throughputIn,
} from '../../../src/bench/stats.ts';

test('percentiles are nearest-rank over sorted values', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 95), 95);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('the latency summary sorts its input and reports the tail', () => {
  const s = latencySummary([30, 10, 20, 1000, 40]);
  assert.deepEqual(s, { count: 5, p50: 30, p95: 1000, p99: 1000, max: 1000 });
});

test('throughput counts only writes inside the window, per second', () => {
  const t0 = 1_000_000;
  const writes = [t0 - 1, t0, t0 + 500, t0 + 1999, t0 + 2000, t0 + 5000];
  assert.deepEqual(throughputIn(writes, { from: t0, to: t0 + 2000 }), { rows: 3, seconds: 2, perSecond: 1.5 });
  assert.ok(Number.isNaN(throughputIn(writes, { from: t0, to: t0 }).perSecond));
  assert.deepEqual(perSecondSeries(writes, t0, t0 + 3000), [2, 1, 1]);
});

test('latency is measured for the records accepted inside the window', () => {
  const rows = [
    { ingestedAt: 100, writtenAt: 150 }, // before the window
    { ingestedAt: 1000, writtenAt: 1040 },
    { ingestedAt: 1500, writtenAt: 2600 }, // accepted inside, written after: counted
  ];
  assert.deepEqual(latenciesIn(rows, { from: 1000, to: 2000 }), [40, 1100]);
});

test('CPU is the tick difference over wall time; peak memory trusts VmHWM only for processes born in the phase', () => {
  const samples = [
    { at: 0, cpuTicks: 100, rssBytes: 100 * 2 ** 20, peakRssBytes: 900 * 2 ** 20 },
    { at: 2000, cpuTicks: 300, rssBytes: 300 * 2 ** 20, peakRssBytes: 900 * 2 ** 20 },
    { at: 4000, cpuTicks: 500, rssBytes: 200 * 2 ** 20, peakRssBytes: 900 * 2 ** 20 },
  ];
  const service = procUsage(samples, 100, false)!;
  assert.equal(service.cpuSeconds, 4);
  assert.equal(service.cores, 1);
  assert.equal(service.peakRssMb, 300);
  assert.equal(service.firstRssMb, 100);
  assert.equal(service.lastRssMb, 200);
  assert.equal(procUsage(samples, 100, true)!.peakRssMb, 900);
  assert.equal(procUsage([], 100, true), undefined);
});

test('slope fits a line: flat memory is 0, steady growth is its rate', () => {
  assert.equal(slope([[0, 5], [1, 5], [2, 5]]), 0);
  assert.equal(slope([[0, 1], [10, 21], [20, 41]]), 2);
  assert.ok(Number.isNaN(slope([[0, 1]])));
});

test('/proc parsing survives a command name with spaces and parentheses', () => {
  // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
  const stat = '4242 (Main (Thread) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0';
  const status = 'Name:\tjava\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n';
  assert.deepEqual(parseProc(stat, status), { cpuTicks: 300, rssBytes: 1024 * 1024, peakRssBytes: 2048 * 1024 });
});

test('the machine\'s busy share counts idle and iowait as idle, over every core', () => {
  const a = parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n');
  assert.deepEqual(a, { busy: 150, total: 1000 });
  const b = parseProcStat('cpu  250 0 100 850 50 0 0 0 0 0\n');
  assert.equal(busyShare(a, b), 200 / 250);
  assert.equal(busyShare(a, a), 0);
  assert.throws(() => parseProcStat('intr 1 2 3'), /no cpu line/);
});
