import { Command } from 'commander';
import { cassandraAnswers } from '../../cassandra/session.ts';
import type { Config } from '../../config/options.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { kafkaAnswers } from '../../kafka/admin.ts';
import { SparkSession } from '../../spark-connect/session.ts';
import { configFrom, withOptions } from '../options.ts';

export const PING_TARGETS = ['kafka', 'cassandra', 'spark', 'airflow'] as const;
type Target = (typeof PING_TARGETS)[number];

/** One check per target: where it was asked and what it answered (undefined: it did not). */
const checks: Record<Target, (config: Config, timeoutMs: number) => Promise<{ where: string; answer: string | undefined }>> = {
  kafka: async (c, t) => ({ where: c.kafkaBrokers.join(','), answer: (await kafkaAnswers(c, t)) ? 'metadata answered' : undefined }),
  cassandra: async (c, t) => ({ where: c.cassandraHosts.join(','), answer: (await cassandraAnswers(c, t)) ? 'CQL answered' : undefined }),
  spark: async (c, t) => {
    const session = SparkSession.connect(c.sparkConnectUrl, { timeoutMs: t, retry: { retries: 0, initialBackoffMs: 0, maxBackoffMs: 0 } });
    try {
      return { where: c.sparkConnectUrl, answer: `Spark ${await session.version()}` };
    } catch {
      return { where: c.sparkConnectUrl, answer: undefined };
    } finally {
      session.client.close();
    }
  },
  airflow: async (c, t) => {
    const where = c.airflowUrl;
    try {
      const res = await fetch(`${where}/api/v2/monitor/health`, { signal: AbortSignal.timeout(t) });
      const body = (await res.json()) as Record<string, { status?: string }>;
      // A component that is not deployed (no triggerer here) has status null.
      const unhealthy = Object.entries(body).filter(([, v]) => v?.status != null && v.status !== 'healthy').map(([k]) => k);
      return { where, answer: res.ok && unhealthy.length === 0 ? 'healthy' : undefined };
    } catch {
      return { where, answer: undefined };
    }
  },
};

/**
 * `userstream ping [targets...]`: does each service this process would use
 * answer, at the addresses its config gives? One line each; exit 1 if any
 * does not. The container healthcheck of the app image runs it.
 */
export function pingCommand(): Command {
  return withOptions(new Command('ping'), ['kafka', 'cassandra', 'spark', 'airflow', 'general'])
    .argument('[targets...]', `some of ${PING_TARGETS.join(', ')} (default: kafka cassandra)`)
    .description('check that Kafka, Cassandra, Spark Connect or Airflow answer at the configured addresses; exit 1 if one does not')
    .option('--timeout <ms>', 'how long each may take to answer', '3000')
    .action(async (names: string[], opts: { timeout: string }, command: Command) => {
      const targets = (names.length > 0 ? names : ['kafka', 'cassandra']).map((n) => {
        if (!(PING_TARGETS as readonly string[]).includes(n)) {
          throw new UserstreamError(ErrorCodes.USAGE, `unknown ping target ${JSON.stringify(n)}; expected some of ${PING_TARGETS.join(', ')}`);
        }
        return n as Target;
      });
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UserstreamError(ErrorCodes.CONFIG, `invalid --timeout ${JSON.stringify(opts.timeout)}: expected milliseconds > 0`);
      const { config } = configFrom(command);
      const results = await Promise.all(targets.map(async (t) => ({ target: t, ...(await checks[t](config, timeoutMs)) })));
      for (const r of results) process.stdout.write(`${r.target.padEnd(9)} ${r.answer === undefined ? 'DOWN' : 'ok  '}  ${r.where}${r.answer ? `  (${r.answer})` : ''}\n`);
      if (results.some((r) => r.answer === undefined)) process.exitCode = 1;
    });
}
