/** Running the Airflow DAG from the command line: `userstream dag` and `userstream up` both do it. */
import { AirflowClient, DAG_ID, type DagRun } from '../airflow/client.ts';
import type { Config } from '../config/options.ts';
import { secretFiles } from '../stack/secrets.ts';

export function airflowClient(config: Config): AirflowClient {
  return new AirflowClient({ url: config.airflowUrl, user: config.airflowUser, password: config.airflowPassword });
}

/** The DAG's params for a run, from the ingest settings. */
export function runConf(config: Config): Record<string, unknown> {
  return {
    duration: Math.max(1, Math.round(config.duration)),
    // Unset: the DAG's own defaults (2,000/s, no count).
    ...(config.rate === undefined ? {} : { rate: config.rate }),
    ...(config.count === undefined ? {} : { count: config.count }),
    source: config.source,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    kafka_brokers: config.kafkaBrokers.join(','),
    topic: config.topic,
    schema_registry_url: config.schemaRegistryUrl ?? 'none',
    value_format: config.valueFormat,
    // The secure local stack: the task reads the credentials from the stack's client.env.
    ...(config.secure ? { env_file: secretFiles(config.stackHome).clientEnv } : {}),
  };
}

/**
 * Triggers a run, waits for it, and returns it with the log of its last
 * try and how many tries the task took. A try that failed is named with its
 * reason: the DAG retries the task once, and each try's records are in
 * Kafka (at least once; the engines' upserts make them one row each).
 */
export async function runDag(client: AirflowClient, conf: Record<string, unknown>, onState: (s: string) => void): Promise<{ run: DagRun; log: string; tries: number }> {
  await client.waitForDag();
  const started = await client.trigger(conf);
  onState(`triggered ${DAG_ID} run ${started.dag_run_id}`);
  const run = await client.waitForRun(started.dag_run_id, { onState: (s) => onState(`run ${started.dag_run_id}: ${s}`) });
  const ti = await client.taskInstance(run.dag_run_id);
  for (let n = 1; n < ti.try_number; n++) {
    onState(`run ${run.dag_run_id}: try ${n} of the task failed and was retried: ${failureReason(await client.taskLog(run.dag_run_id, n).catch(() => ''))}`);
  }
  const log = ti.try_number > 0 ? await client.taskLog(run.dag_run_id, ti.try_number) : '';
  return { run, log, tries: ti.try_number };
}

/** The line of a task log that says why the ingest failed. */
export function failureReason(log: string): string {
  const lines = log.split('\n');
  const ours = lines.filter((l) => l.includes('userstream:'));
  if (ours.length > 0) return ours[ours.length - 1]!.slice(ours[ours.length - 1]!.indexOf('userstream:'));
  return lines.filter((l) => /error/i.test(l)).slice(-1)[0]?.trim() ?? 'see the task log';
}
