import { Command } from 'commander';
import { formatIngestSummary, runIngest } from '../ingest-run.ts';
import { configFrom, withOptions } from '../options.ts';
import { onShutdown } from '../shutdown.ts';
import { serveMetrics } from '../../metrics/server.ts';

export function ingestCommand(): Command {
  return withOptions(new Command('ingest'), ['ingest', 'kafka', 'registry', 'metrics', 'general'])
    .description('fetch users from the source and produce them to Kafka (idempotent, acks=all, flushed before exit)')
    .action(async (_opts, command: Command) => {
      const { config, log } = configFrom(command);
      const controller = new AbortController();
      onShutdown(() => {
        log.warn('ingest: stopping; sending what was fetched and flushing');
        controller.abort();
      });
      const closeMetrics = await serveMetrics(config, log);
      try {
        const summary = await runIngest(config, log, controller.signal);
        process.stdout.write(`${formatIngestSummary(summary)}\n`);
      } finally {
        await closeMetrics();
      }
    });
}
