import { Command } from 'commander';
import { DAG_ID, TASK_ID } from '../../airflow/client.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { airflowClient, failureReason, runConf, runDag } from '../dag-run.ts';
import { configFrom, withOptions } from '../options.ts';

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
