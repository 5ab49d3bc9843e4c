/**
 * The user-facing Spark Connect API, shaped like PySpark's: SparkSession,
 * DataFrame, DataStreamReader/Writer (and, in streaming-query.ts, the
 * StreamingQuery they start), built on plan.ts (what to run) and client.ts
 * (how to send it).
 */
import { DataType as ArrowType, tableFromIPC, type Table } from 'apache-arrow';
import { SparkConnectClient, type ClientOptions } from './client.ts';
import { SparkConnectError } from './errors.ts';
import type { ExecutePlanResponse } from './gen/spark/connect/base_pb.js';
import type { DataType } from './gen/spark/connect/types_pb.js';
import * as p from './plan.ts';
import { StreamingQuery, StreamingQueryManager } from './streaming-query.ts';
import { dataTypeString, type StructField } from './types.ts';

type Row = Record<string, unknown>;

export class SparkSession {
  readonly client: SparkConnectClient;
  readonly conf: RuntimeConfig;

  private constructor(client: SparkConnectClient) {
    this.client = client;
    this.conf = new RuntimeConfig(client);
  }

  /** A session on the server at `url` (`sc://host:port`). Connects lazily; `version()` checks. */
  static connect(url: string, options: ClientOptions = {}): SparkSession {
    return new SparkSession(new SparkConnectClient(url, options));
  }

  get sessionId(): string {
    return this.client.sessionId;
  }

  /** The server's Spark version: also the cheapest "does it answer" check. */
  async version(): Promise<string> {
    const r = await this.client.analyze({ analyze: { case: 'sparkVersion', value: {} } });
    return r.result.case === 'sparkVersion' ? r.result.value.version : '';
  }

  /**
   * A DataFrame for a SQL query. Like PySpark, a command (DDL, INSERT) runs
   * at once; a query stays lazy until an action.
   */
  async sql(query: string, args: Record<string, string> = {}): Promise<DataFrame> {
    const command: p.CommandInit = { commandType: { case: 'sqlCommand', value: { sql: query, args: args as never } } } as p.CommandInit;
    for await (const r of this.client.execute({ opType: { case: 'command', value: command } })) {
      if (r.responseType.case === 'sqlCommandResult' && r.responseType.value.relation) {
        return new DataFrame(this, r.responseType.value.relation as p.RelationInit);
      }
    }
    return new DataFrame(this, p.sql(query, args));
  }

  range(start: number | bigint, end?: number | bigint, step: number | bigint = 1, numPartitions?: number): DataFrame {
    const [s, e] = end === undefined ? [0n, BigInt(start)] : [BigInt(start), BigInt(end)];
    return new DataFrame(this, p.range(s, e, BigInt(step), numPartitions));
  }

  get readStream(): DataStreamReader {
    return new DataStreamReader(this, true);
  }

  get read(): DataStreamReader {
    return new DataStreamReader(this, false);
  }

  get streams(): StreamingQueryManager {
    return new StreamingQueryManager(this);
  }

  /** Releases the client; queries started by the session keep running on the server. */
  stop(): void {
    this.client.close();
  }
}

export class RuntimeConfig {
  readonly #client: SparkConnectClient;
  constructor(client: SparkConnectClient) {
    this.#client = client;
  }

  async set(key: string, value: string | number | boolean): Promise<void> {
    await this.#client.config({ opType: { case: 'set', value: { pairs: [{ key, value: String(value) }] } } });
  }

  async get(key: string): Promise<string | undefined> {
    const r = await this.#client.config({ opType: { case: 'getOption', value: { keys: [key] } } });
    return r.pairs[0]?.value;
  }
}

export class DataFrame {
  readonly session: SparkSession;
  readonly plan: p.RelationInit;

  constructor(session: SparkSession, plan: p.RelationInit) {
    this.session = session;
    this.plan = plan;
  }

  #with(plan: p.RelationInit): DataFrame {
    return new DataFrame(this.session, plan);
  }

  /** Columns by name (`*` for all). */
  select(...columns: string[]): DataFrame {
    return this.#with(p.project(this.plan, columns.map(p.column)));
  }

  /** SQL expressions: `selectExpr('upper(name) AS n', 'age + 1')`. */
  selectExpr(...expressions: string[]): DataFrame {
    return this.#with(p.project(this.plan, expressions.map(p.expr)));
  }

  /** Rows where the SQL condition holds. */
  filter(condition: string): DataFrame {
    return this.#with(p.filter(this.plan, p.expr(condition)));
  }

  where(condition: string): DataFrame {
    return this.filter(condition);
  }

  /** Adds or replaces a column computed by a SQL expression. */
  withColumn(name: string, expression: string): DataFrame {
    return this.#with(p.withColumns(this.plan, [[name, p.expr(expression)]]));
  }

  limit(n: number): DataFrame {
    return this.#with(p.limit(this.plan, n));
  }

  /**
   * Named metrics (aggregate SQL expressions) computed over the rows as they
   * pass; a streaming query reports them per micro-batch in its progress,
   * under `observedMetrics[name]`.
   */
  observe(name: string, ...expressions: string[]): DataFrame {
    return this.#with(p.collectMetrics(this.plan, name, expressions.map(p.expr)));
  }

  /** Runs the plan and returns its rows as plain objects. */
  async collect(): Promise<Row[]> {
    return tableRows(await this.toArrow());
  }

  /** Runs the plan and returns the result as one Arrow table. */
  async toArrow(): Promise<Table> {
    return arrowResult(this.session.client.execute({ opType: { case: 'root', value: this.plan } }));
  }

  async count(): Promise<number> {
    const [row] = await this.#with(p.countAll(this.plan)).collect();
    return Number(row?.count ?? 0);
  }

  /** The text table PySpark's `show()` prints. */
  async showString(n = 20, truncate = 20, vertical = false): Promise<string> {
    const [row] = await this.#with(p.showString(this.plan, n, truncate, vertical)).collect();
    return String(row?.show_string ?? '');
  }

  async show(n = 20, truncate = 20): Promise<void> {
    process.stdout.write(await this.showString(n, truncate));
  }

  /** The result's columns: name, Spark SQL type (`string`, `struct<a:int>`), nullability. */
  async schema(): Promise<StructField[]> {
    const r = await this.session.client.analyze({ analyze: { case: 'schema', value: { plan: { opType: { case: 'root', value: this.plan } } } } });
    if (r.result.case !== 'schema' || !r.result.value.schema) return [];
    const t = r.result.value.schema as DataType;
    if (t.kind.case !== 'struct') return [{ name: 'value', type: dataTypeString(t), nullable: true }];
    return t.kind.value.fields.map((f) => ({ name: f.name, type: f.dataType ? dataTypeString(f.dataType) : 'null', nullable: f.nullable }));
  }

  async isStreaming(): Promise<boolean> {
    const r = await this.session.client.analyze({ analyze: { case: 'isStreaming', value: { plan: { opType: { case: 'root', value: this.plan } } } } });
    return r.result.case === 'isStreaming' ? r.result.value.isStreaming : false;
  }

  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this);
  }
}

/**
 * Arrow rows as plain objects. Timestamps become Dates (Arrow gives epoch
 * milliseconds); 64-bit integers stay bigint, as they may not fit a number.
 */
export function tableRows(table: Table): Row[] {
  const timestamps = table.schema.fields.filter((f) => ArrowType.isTimestamp(f.type)).map((f) => f.name);
  return table.toArray().map((r: { toJSON(): Row }) => {
    const row = r.toJSON();
    for (const name of timestamps) {
      const v = row[name];
      if (typeof v === 'number') row[name] = new Date(Math.floor(v));
    }
    return row;
  });
}

async function arrowResult(responses: AsyncIterable<ExecutePlanResponse>): Promise<Table> {
  const batches: Uint8Array[] = [];
  for await (const r of responses) {
    if (r.responseType.case === 'arrowBatch') batches.push(r.responseType.value.data);
  }
  // Each batch is a complete Arrow IPC stream (schema + records); decode and join.
  const tables = batches.map((b) => tableFromIPC(b));
  if (tables.length === 0) return tableFromIPC(new Uint8Array(0));
  return tables.slice(1).reduce((acc, t) => acc.concat(t), tables[0]!);
}

/** The `format` and `option` part that readers and writers share. */
abstract class FormatAndOptions {
  protected fmt: string | undefined;
  protected readonly opts: Record<string, string> = {};

  /** The source or sink: `kafka`, `rate`, `memory`, `org.apache.spark.sql.cassandra`, … */
  format(name: string): this {
    this.fmt = name;
    return this;
  }

  option(key: string, value: string | number | boolean): this {
    this.opts[key] = String(value);
    return this;
  }

  options(options: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }
}

export class DataStreamReader extends FormatAndOptions {
  readonly #session: SparkSession;
  readonly #streaming: boolean;
  #schema: string | undefined;

  constructor(session: SparkSession, streaming: boolean) {
    super();
    this.#session = session;
    this.#streaming = streaming;
  }

  /** A DDL string (`id STRING, n INT`) or a JSON schema. */
  schema(schema: string): this {
    this.#schema = schema;
    return this;
  }

  load(path?: string): DataFrame {
    return new DataFrame(
      this.#session,
      p.read({ format: this.fmt ?? '', schema: this.#schema, options: { ...this.opts }, paths: path ? [path] : [], streaming: this.#streaming }),
    );
  }
}

export class DataStreamWriter extends FormatAndOptions {
  readonly #df: DataFrame;
  #outputMode: string | undefined;
  #trigger: p.Trigger | undefined;
  #queryName: string | undefined;

  constructor(df: DataFrame) {
    super();
    this.#df = df;
  }

  /** `append`, `update` or `complete`. */
  outputMode(mode: string): this {
    this.#outputMode = mode;
    return this;
  }

  trigger(trigger: p.Trigger): this {
    this.#trigger = trigger;
    return this;
  }

  queryName(name: string): this {
    this.#queryName = name;
    return this;
  }

  /** Starts the query on the server and returns a handle to it. */
  async start(path?: string): Promise<StreamingQuery> {
    const command = p.writeStreamStart({
      input: this.#df.plan,
      format: this.fmt,
      options: { ...this.opts },
      outputMode: this.#outputMode,
      trigger: this.#trigger,
      queryName: this.#queryName,
      path,
    });
    const session = this.#df.session;
    for await (const r of session.client.execute({ opType: { case: 'command', value: command } })) {
      if (r.responseType.case === 'writeStreamOperationStartResult') {
        const v = r.responseType.value;
        return new StreamingQuery(session, v.queryId?.id ?? '', v.queryId?.runId ?? '', v.name);
      }
    }
    throw new SparkConnectError('the server started no streaming query (no start result)', { grpcCode: 2 });
  }
}
