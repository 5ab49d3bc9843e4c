/** An ingest run from the command line: `userstream ingest` and `userstream up` both do it. */
import { appendFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config/options.ts';
import { ingest, type IngestProgress } from '../ingest/ingest.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { openSource } from '../source/open.ts';

/** One ingest run with a live line on a terminal; its result is the summary (src/ingest/summary.ts formats it). */
export async function runIngest(config: Config, log: Logger, signal: AbortSignal): Promise<IngestProgress> {
  // Failures that were retried, shown on the live line: the source's and Kafka's.
  const retried = { source: 0, kafka: 0 };
  const source = await openSource({ source: config.source, apiUrl: config.apiUrl, log, onRetry: () => retried.source++ });
  for (const w of await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }])) log.warn(w);
  const limit = config.count === undefined ? `${config.duration} s` : `${config.count} records or ${config.duration} s`;
  log.info(`ingest: ${source.name} → ${config.topic} for ${limit}${config.rate ? ` at ≤${config.rate}/s` : ' as fast as it can'}`);
  const tty = process.stderr.isTTY;
  let lastLog = 0;
  const summary = await ingest({
    config,
    source,
    signal,
    onRegistered: (r) =>
      log.info(`ingest: schema ${r.subject} version ${r.version} (id ${r.id}) in the Schema Registry${config.valueFormat === 'json-sr' ? '; values in its wire format' : ''}`),
    onSendRetry: (r) => {
      retried.kafka++;
      log.warn(`ingest: Kafka did not acknowledge a batch (${r.reason}); sending it again in ${r.delayMs} ms (attempt ${r.attempt + 1})`);
    },
    ...(config.auditFile === undefined
      ? {}
      : { onProduced: (records) => appendFileSync(config.auditFile!, records.map((r) => `${r.id}\n`).join('')) }),
    onProgress: (p) => {
      const rate = p.produced / Math.max(0.001, p.elapsedMs / 1000);
      const errors = retried.source + retried.kafka;
      const line =
        `ingest: ${p.produced} produced, ${rate.toFixed(0)}/s, ${p.requests} requests, ${p.rejected} rejected, ` +
        `${errors} errors retried${errors > 0 ? ` (source ${retried.source}, Kafka ${retried.kafka})` : ''}`;
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log.info(line);
      }
    },
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  return summary;
}
