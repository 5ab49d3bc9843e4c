import { Command } from 'commander';
import { startDashboard } from '../../dashboard/run.ts';
import { checkEngine } from '../../engines/index.ts';
import { configFrom, withOptions } from '../options.ts';
import { onShutdown } from '../shutdown.ts';

export function dashboardCommand(): Command {
  return withOptions(new Command('dashboard'), ['dashboard', 'kafka', 'cassandra', 'spark', 'airflow', 'general'])
    .description('serve the live dashboard: ingest rate, per-partition lag, rows in Cassandra, dead-lettered count, service health, the latest users; metrics at /metrics')
    .option('--engine <engine>', 'whose progress is the lag: spark (its checkpoint) or node (its consumer group)', 'spark')
    .action(async (opts: { engine: string }, command: Command) => {
      const engine = checkEngine(opts.engine);
      const { config, log } = configFrom(command);
      const dashboard = await startDashboard(config, engine, log);
      process.stdout.write(`dashboard on ${dashboard.url} (Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => onShutdown(() => resolve()));
      await dashboard.close();
    });
}
