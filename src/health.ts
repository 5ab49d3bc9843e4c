/**
 * Does a service answer at the configured address? One check per kind of
 * service, shared by `userstream ping`, the dashboard and the app image's
 * healthcheck.
 */
import { airflowHealthUrl } from './airflow/client.ts';
import { cassandraAnswers } from './cassandra/session.ts';
import type { Config } from './config/options.ts';
import { kafkaAnswers } from './kafka/admin.ts';
import { NO_RETRY } from './spark-connect/client.ts';
import { SparkSession } from './spark-connect/session.ts';

export const HEALTH_TARGETS = ['kafka', 'cassandra', 'spark', 'airflow'] as const;
export type HealthTarget = (typeof HEALTH_TARGETS)[number];

export interface HealthResult {
  target: HealthTarget;
  /** Where it was asked. */
  where: string;
  /** What it answered; undefined when it did not. */
  answer: string | undefined;
}

type HealthConfig = Pick<Config, 'kafkaBrokers' | 'cassandraHosts' | 'cassandraDc' | 'sparkConnectUrl' | 'airflowUrl'>;

const checks: Record<HealthTarget, (c: HealthConfig, timeoutMs: number) => Promise<Omit<HealthResult, 'target'>>> = {
  kafka: async (c, t) => ({ where: c.kafkaBrokers.join(','), answer: (await kafkaAnswers(c, t)) ? 'metadata answered' : undefined }),
  cassandra: async (c, t) => ({ where: c.cassandraHosts.join(','), answer: (await cassandraAnswers(c, t)) ? 'CQL answered' : undefined }),
  spark: async (c, t) => {
    const session = SparkSession.connect(c.sparkConnectUrl, { timeoutMs: t, retry: NO_RETRY });
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
      const res = await fetch(airflowHealthUrl(where), { signal: AbortSignal.timeout(t) });
      const body = (await res.json()) as Record<string, { status?: string | null } | null>;
      // A component that is not deployed (no triggerer here) has status null.
      const unhealthy = Object.entries(body).filter(([, v]) => v?.status != null && v.status !== 'healthy').map(([k]) => k);
      return { where, answer: res.ok && unhealthy.length === 0 ? 'healthy' : undefined };
    } catch {
      return { where, answer: undefined };
    }
  },
};

export async function checkHealth(target: HealthTarget, config: HealthConfig, timeoutMs: number): Promise<HealthResult> {
  return { target, ...(await checks[target](config, timeoutMs)) };
}
