/**
 * The node engine's memory over a long run (soak): minutes at 1,000
 * records/s, the engine's RSS sampled and its heap after each full
 * collection, with their growth after the first minute and over the second
 * half. It has its own module because it measures memory over minutes, not
 * throughput over a window as the other phases do.
 */
import { type Bench, say, sleep } from './bench.ts';
import { stopChild, succeeded } from './children.ts';
import { startEngine } from './engine-phase.ts';
import { slope } from './stats.ts';

export async function soak(bench: Bench): Promise<void> {
  const minutes = bench.opts.soakMinutes;
  const names = bench.names('node_soak');
  await bench.dropLater(names.keyspace);
  say(`node engine memory: ${minutes} min at 1,000 records/s`);
  const { child: engineChild, stats, heapAfterGc } = await startEngine(bench, 'node', names);
  try {
    const sampler = bench.sampler('node');
    sampler.track('engine', engineChild.pid, { born: true });
    sampler.start();
    const producer = bench.ingest(names.topic, 1000, minutes * 60);
    sampler.track('producer', producer.pid, { born: true });
    const start = producer.startedAt;
    const producerEnd = await succeeded(producer);
    const produced = await bench.produced(names.topic);
    while (stats().written < produced) await sleep(250);
    const series = sampler.rssSeries('engine');
    const processes = sampler.stop();
    // Growth after the first minute (JIT, pools and buffers fill up first),
    // and over the second half: V8 touching the heap pages it has committed
    // grows RSS fast at first and then levels off; a leak goes on growing.
    const after = series.filter(([t]) => t >= 60);
    const mbPerS = slope(after);
    const lastT = series.at(-1)?.[0] ?? 0;
    const lateMbPerS = slope(series.filter(([t]) => t >= lastT / 2));
    const e = processes.engine!;
    // The heap after each full collection, from the end of the first minute.
    const heap = heapAfterGc.map(([at, mb]): [number, number] => [(at - start) / 1000, mb]).filter(([t]) => t >= 60);
    const heapAfterGcStats = heap.length >= 2
      ? { slopeMbPerMin: slope(heap) * 60, firstMb: heap[0]![1], lastMb: heap.at(-1)![1], samples: heap.length }
      : undefined;
    bench.phases.push({
      phase: 'soak', engine: 'node', offeredRate: 1000, produced, landed: stats().written,
      steady: { rows: produced, seconds: (producerEnd - start) / 1000, perSecond: produced / ((producerEnd - start) / 1000) },
      processes, perSecond: [],
      memory: { slopeMbPerMin: mbPerS * 60, lateSlopeMbPerMin: lateMbPerS * 60, firstMb: after[0]?.[1] ?? e.firstRssMb, lastMb: e.lastRssMb, peakMb: e.peakRssMb, minutes: (producerEnd - start) / 60_000,
        ...(heapAfterGcStats ? { heapAfterGc: heapAfterGcStats } : {}),
        rssSeries: series.filter((_, i) => i % 10 === 0).map(([t, mb]) => [Math.round(t), Math.round(mb)]),
      },
    });
    say(`  RSS ${Math.round(after[0]?.[1] ?? 0)} → ${Math.round(e.lastRssMb)} MB, ${(mbPerS * 60).toFixed(2)} MB/min after the first minute, ${(lateMbPerS * 60).toFixed(2)} MB/min in the second half`);
    if (heapAfterGcStats) say(`  heap after full collections ${Math.round(heapAfterGcStats.firstMb)} → ${Math.round(heapAfterGcStats.lastMb)} MB, ${heapAfterGcStats.slopeMbPerMin.toFixed(2)} MB/min (${heapAfterGcStats.samples} samples)`);
  } finally {
    await stopChild(engineChild);
  }
}
