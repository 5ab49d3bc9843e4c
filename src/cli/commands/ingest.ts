import { Command } from 'commander';
import { runIngest } from '../ingest-run.ts';
import { configFrom, withOptions } from '../options.ts';
import { onShutdown } from '../shutdown.ts';
import { serveMetrics } from '../../metrics/server.ts';
import { formatIngestSummary, ingestSummaryJson } from '../../ingest/summary.ts';

export function ingestCommand(): Command {
  return withOptions(new Command('ingest'), ['ingest', 'kafka', 'registry', 'metrics', 'general'])
    .description('fetch users from the source and produce them to Kafka (idempotent, acks=all, flushed before exit)')
    .option('--summary-json', 'after the summary line, print the summary again as one JSON line (the Airflow DAG\'s task does: userstream up reads it from the task log)')
    .action(async (opts: { summaryJson?: boolean }, command: Command) => {
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
        if (opts.summaryJson) process.stdout.write(`${ingestSummaryJson(summary)}\n`);
      } finally {
        await closeMetrics();
      }
    });
}
