/**
 * One stream engine in its own process for `npm run bench`, so its CPU and
 * memory are its own. Started like `userstream stream`, it prints JSON lines
 * on stdout: `{"ready":true}` once consuming, then `{"written":…,"lag":…}`
 * every `statsMs`; SIGTERM stops it the way Ctrl-C stops `userstream stream`.
 *
 *   node src/bench/engine-child.ts <engine> '<config overrides as JSON>'
 */
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

await engine.start();
emit({ ready: true });
let polling = false;
const timer = setInterval(() => {
  if (polling) return;
  polling = true;
  engine
    .lag()
    .then((lag) => emit({ ...engine.stats, lag, memory: process.memoryUsage() }))
    .catch(() => emit({ ...engine.stats }))
    .finally(() => (polling = false));
}, statsMs);
try {
  await engine.finished;
} finally {
  clearInterval(timer);
}
emit({ stopped: true, ...engine.stats });
process.exit(0);
