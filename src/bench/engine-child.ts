/**
 * One stream engine in its own process for `npm run bench`, so its CPU and
 * memory are its own. Started like `userstream stream`, it prints JSON lines
 * on stdout: `{"ready":true}` once consuming, then `{"written":…,"lag":…}`
 * every `statsMs`; SIGTERM stops it the way Ctrl-C stops `userstream stream`.
 *
 *   node src/bench/engine-child.ts <engine> '<config overrides as JSON>'
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../config/load.ts';
import { checkEngine, createEngine } from '../engines/index.ts';
import type { ConfigInput } from '../config/load.ts';

const name = checkEngine(process.argv[2] ?? '');
const overrides = JSON.parse(process.argv[3] ?? '{}') as ConfigInput;
const statsMs = Number(process.env.USERSTREAM_BENCH_STATS_MS ?? 1000);
const config = loadConfig(overrides, process.env);
const log = pino({ level: process.env.USERSTREAM_LOG_LEVEL ?? 'warn' }, pino.destination(2));
const engine = createEngine(name, { config, log });

const emit = (o: object) => process.stdout.write(`${JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}\n`);
process.once('SIGTERM', () => void engine.stop());
process.once('SIGINT', () => void engine.stop());

// The heap in use right after each full collection: what is still reachable
// then is what the engine holds, so a leak shows as growth here, while RSS
// also moves with how much of its heap V8 keeps committed.
let heapAfterGc: { mb: number; gcs: number } | undefined;
const gcs = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
    heapAfterGc = { mb: process.memoryUsage().heapUsed / 2 ** 20, gcs: (heapAfterGc?.gcs ?? 0) + 1 };
  }
});
gcs.observe({ entryTypes: ['gc'] });

await engine.start();
emit({ ready: true });
let polling = false;
const timer = setInterval(() => {
  if (polling) return;
  polling = true;
  engine
    .lag()
    .then((lag) => emit({ ...engine.stats, lag, memory: process.memoryUsage(), ...(heapAfterGc ? { heapAfterGc } : {}) }))
    .catch(() => emit({ ...engine.stats }))
    .finally(() => (polling = false));
}, statsMs);
try {
  await engine.finished;
} finally {
  clearInterval(timer);
  gcs.disconnect();
}
emit({ stopped: true, ...engine.stats });
process.exit(0);
