/**
 * A small client for Airflow 3's REST API (v2): a JWT from /auth/token,
 * then DAGs, DAG runs, task instances and task logs.
 */
import { ErrorCodes, UserstreamError, describeError } from '../errors.ts';
import { every, until } from '../retry.ts';

export const DAG_ID = 'user_automation';
export const TASK_ID = 'stream_data_from_api';

/** The health of Airflow's components (no login needed) at the API `base` (http://host:port). */
export const airflowHealthUrl = (base: string) => `${base}/api/v2/monitor/health`;

export interface DagRun {
  dag_run_id: string;
  state: 'queued' | 'running' | 'success' | 'failed' | string;
  start_date: string | null;
  end_date: string | null;
  conf: Record<string, unknown> | null;
}

export interface TaskInstance {
  task_id: string;
  state: string | null;
  try_number: number;
}

export class AirflowClient {
  readonly url: string;
  readonly #user: string;
  readonly #password: string;
  #token: string | undefined;

  constructor(options: { url: string; user: string; password: string }) {
    this.url = options.url.replace(/\/+$/, '');
    this.#user = options.user;
    this.#password = options.password;
  }

  async #fetch(path: string, init: RequestInit = {}, auth = true): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (auth) headers.authorization = `Bearer ${await this.#login()}`;
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new UserstreamError(ErrorCodes.AIRFLOW, `cannot reach Airflow at ${this.url}: ${(error as Error).message} (is it running? userstream stack up airflow)`, { cause: error, canRetry: true });
    }
    if (!res.ok) {
      const body = await res.text().catch(() => '');
      let detail = body;
      try {
        const j = JSON.parse(body) as { detail?: unknown };
        detail = typeof j.detail === 'string' ? j.detail : JSON.stringify(j.detail ?? j);
      } catch {}
      throw new UserstreamError(ErrorCodes.AIRFLOW, `Airflow ${init.method ?? 'GET'} ${path}: HTTP ${res.status}: ${detail.slice(0, 300)}`, { canRetry: res.status >= 500 });
    }
    return res;
  }

  async #login(): Promise<string> {
    if (this.#token) return this.#token;
    const res = await this.#fetch('/auth/token', { method: 'POST', body: JSON.stringify({ username: this.#user, password: this.#password }) }, false);
    this.#token = ((await res.json()) as { access_token: string }).access_token;
    return this.#token;
  }

  async #json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.#fetch(path, init)).json()) as T;
  }

  async importErrors(): Promise<{ filename: string; stack_trace: string }[]> {
    return (await this.#json<{ import_errors: { filename: string; stack_trace: string }[] }>('/api/v2/importErrors')).import_errors;
  }

  async dag(dagId = DAG_ID): Promise<{ dag_id: string; is_paused: boolean; timetable_summary?: string | null; next_dagrun_run_after?: string | null }> {
    return this.#json(`/api/v2/dags/${dagId}`);
  }

  /** Waits until the DAG processor has registered the DAG. */
  async waitForDag(dagId = DAG_ID, timeoutMs = 120_000): Promise<void> {
    let last: unknown;
    await until(
      `the DAG ${dagId}`,
      async () => {
        try {
          await this.dag(dagId);
          return { done: true, value: undefined };
        } catch (error) {
          last = error;
          return { done: false, saw: describeError(error) };
        }
      },
      // Past the deadline, the last answer is the failure.
      { deadline: Date.now() + timeoutMs, pause: every(1000), fail: () => last },
    );
  }

  async setPaused(paused: boolean, dagId = DAG_ID): Promise<void> {
    await this.#fetch(`/api/v2/dags/${dagId}`, { method: 'PATCH', body: JSON.stringify({ is_paused: paused }) });
  }

  /** Unpauses the DAG and starts a manual run with `conf` (the DAG's params). */
  async trigger(conf: Record<string, unknown>, dagId = DAG_ID): Promise<DagRun> {
    await this.setPaused(false, dagId);
    return this.#json(`/api/v2/dags/${dagId}/dagRuns`, { method: 'POST', body: JSON.stringify({ logical_date: null, conf }) });
  }

  async run(runId: string, dagId = DAG_ID): Promise<DagRun> {
    return this.#json(`/api/v2/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`);
  }

  async runs(limit = 10, dagId = DAG_ID): Promise<DagRun[]> {
    return (await this.#json<{ dag_runs: DagRun[] }>(`/api/v2/dags/${dagId}/dagRuns?order_by=-start_date&limit=${limit}`)).dag_runs;
  }

  async taskInstance(runId: string, taskId = TASK_ID, dagId = DAG_ID): Promise<TaskInstance> {
    return this.#json(`/api/v2/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${taskId}`);
  }

  /** The task's log for one try, as text. */
  async taskLog(runId: string, tryNumber: number, taskId = TASK_ID, dagId = DAG_ID): Promise<string> {
    const body = await this.#json<{ content: unknown }>(
      `/api/v2/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${taskId}/logs/${tryNumber}?full_content=true`,
    );
    const content = body.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      return content.map((e) => (typeof e === 'string' ? e : ((e as { event?: string }).event ?? JSON.stringify(e)))).join('\n');
    }
    return JSON.stringify(content);
  }

  /** Polls until the run is finished (success or failed). */
  async waitForRun(runId: string, options: { timeoutMs?: number; onState?: (state: string) => void } = {}, dagId = DAG_ID): Promise<DagRun> {
    const timeoutMs = options.timeoutMs ?? 15 * 60_000;
    let last = '';
    return until(
      `DAG run ${runId} to finish`,
      async () => {
        const run = await this.run(runId, dagId);
        if (run.state !== last) {
          last = run.state;
          options.onState?.(run.state);
        }
        return run.state === 'success' || run.state === 'failed' ? { done: true, value: run } : { done: false, saw: run.state };
      },
      {
        deadline: Date.now() + timeoutMs,
        pause: every(1000),
        fail: (failed) => new UserstreamError(ErrorCodes.TIMEOUT, `DAG run ${runId} still ${failed.saw} after ${timeoutMs / 1000} s`),
      },
    );
  }
}
