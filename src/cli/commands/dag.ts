import { Command } from 'commander';
import { secretFiles } from '../../stack/secrets.ts';
import { AirflowClient, DAG_ID, TASK_ID, type DagRun } from '../../airflow/client.ts';
import type { Config } from '../../config/options.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { configFrom, withOptions } from '../options.ts';

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
    kafka_brokers: config.kafkaBrokers.join(','),
    topic: config.topic,
    schema_registry_url: config.schemaRegistryUrl ?? 'none',
    value_format: config.valueFormat,
    // The secure local stack: the task reads the credentials from the stack's client.env.
    ...(config.secure ? { env_file: secretFiles(config.stackHome).clientEnv } : {}),
  };
}

/** Triggers a run, waits for it, and returns it with the log of its last try. */
export async function runDag(client: AirflowClient, conf: Record<string, unknown>, onState: (s: string) => void): Promise<{ run: DagRun; log: string }> {
  await client.waitForDag();
  const started = await client.trigger(conf);
  onState(`triggered ${DAG_ID} run ${started.dag_run_id}`);
  const run = await client.waitForRun(started.dag_run_id, { onState: (s) => onState(`run ${started.dag_run_id}: ${s}`) });
  const ti = await client.taskInstance(run.dag_run_id);
  const log = ti.try_number > 0 ? await client.taskLog(run.dag_run_id, ti.try_number) : '';
  return { run, log };
}

/** The line of a task log that says why the ingest failed. */
export function failureReason(log: string): string {
  const lines = log.split('\n');
  const ours = lines.filter((l) => l.includes('userstream:'));
  if (ours.length > 0) return ours[ours.length - 1]!.slice(ours[ours.length - 1]!.indexOf('userstream:'));
  return lines.filter((l) => /error/i.test(l)).slice(-1)[0]?.trim() ?? 'see the task log';
}

export function dagCommand(): Command {
  const dag = new Command('dag').description(`the Airflow DAG ${DAG_ID} (its task ${TASK_ID} runs userstream ingest), through Airflow's REST API`);

  withOptions(dag.command('trigger'), ['ingest', 'kafka', 'registry', 'airflow', 'general'])
    .description('start a run with the ingest options as its params; --wait waits for it and prints its task log')
    .option('--wait', 'wait until the run ends; exit 1 if it failed')
    .action(async (opts: { wait?: boolean }, command: Command) => {
      const { config, log } = configFrom(command);
      const client = airflowClient(config);
      if (!opts.wait) {
        await client.waitForDag();
        const run = await client.trigger(runConf(config));
        process.stdout.write(`${run.dag_run_id}\n`);
        return;
      }
      const { run, log: taskLog } = await runDag(client, runConf(config), (s) => log.info(s));
      process.stdout.write(taskLog.endsWith('\n') ? taskLog : `${taskLog}\n`);
      if (run.state !== 'success') {
        throw new UserstreamError(ErrorCodes.AIRFLOW, `DAG run ${run.dag_run_id} failed: ${failureReason(taskLog)}`);
      }
    });

  withOptions(dag.command('status').argument('[run-id]', 'a run (default: the latest runs)'), ['airflow', 'general'])
    .description('the DAG (paused or not, import errors) and its latest runs, or one run with its task log')
    .action(async (runId: string | undefined, _opts, command: Command) => {
      const { config } = configFrom(command);
      const client = airflowClient(config);
      if (runId) {
        const run = await client.run(runId);
        const ti = await client.taskInstance(runId);
        process.stdout.write(`${run.dag_run_id}  ${run.state}  ${run.start_date ?? '-'} → ${run.end_date ?? '-'}\n`);
        if (ti.try_number > 0) process.stdout.write(`${await client.taskLog(runId, ti.try_number)}\n`);
        return;
      }
      const errors = await client.importErrors();
      for (const e of errors) process.stdout.write(`import error in ${e.filename}:\n${e.stack_trace}\n`);
      const d = await client.dag();
      process.stdout.write(`${d.dag_id}: ${d.is_paused ? 'paused' : 'active'}, schedule ${d.timetable_summary ?? '-'}\n`);
      for (const r of await client.runs()) {
        process.stdout.write(`  ${r.dag_run_id}  ${r.state}  ${r.start_date ?? '-'} → ${r.end_date ?? '-'}\n`);
      }
    });
  return dag;
}
