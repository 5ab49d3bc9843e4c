import { Command } from 'commander';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { HEALTH_TARGETS, type HealthTarget, checkHealth } from '../../health.ts';
import { configFrom, withOptions } from '../options.ts';

/**
 * `userstream ping [targets...]`: does each service this process would use
 * answer, at the addresses its config gives? One line each; exit 1 if any
 * does not. The container healthcheck of the app image runs it.
 */
export function pingCommand(): Command {
  return withOptions(new Command('ping'), ['kafka', 'cassandra', 'spark', 'airflow', 'general'])
    .argument('[targets...]', `some of ${HEALTH_TARGETS.join(', ')} (default: kafka cassandra)`)
    .description('check that Kafka, Cassandra, Spark Connect or Airflow answer at the configured addresses; exit 1 if one does not')
    .option('--timeout <ms>', 'how long each may take to answer', '3000')
    .action(async (names: string[], opts: { timeout: string }, command: Command) => {
      const targets = (names.length > 0 ? names : ['kafka', 'cassandra']).map((n) => {
        if (!(HEALTH_TARGETS as readonly string[]).includes(n)) {
          throw new UserstreamError(ErrorCodes.USAGE, `unknown ping target ${JSON.stringify(n)}; expected some of ${HEALTH_TARGETS.join(', ')}`);
        }
        return n as HealthTarget;
      });
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UserstreamError(ErrorCodes.CONFIG, `invalid --timeout ${JSON.stringify(opts.timeout)}: expected milliseconds > 0`);
      const { config } = configFrom(command);
      const results = await Promise.all(targets.map((t) => checkHealth(t, config, timeoutMs)));
      for (const r of results) process.stdout.write(`${r.target.padEnd(9)} ${r.answer === undefined ? 'DOWN' : 'ok  '}  ${r.where}${r.answer ? `  (${r.answer})` : ''}\n`);
      if (results.some((r) => r.answer === undefined)) process.exitCode = 1;
    });
}
