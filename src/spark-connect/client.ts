/**
 * The transport of the Spark Connect client: one gRPC channel to
 * `sc://host:port`, the three RPCs the client uses (ExecutePlan, AnalyzePlan,
 * Config), protobuf (de)serialisation with the generated schemas, typed
 * errors, and retries of transient failures.
 */
import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, type CallOptions, type ClientReadableStream } from '@grpc/grpc-js';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { BACKOFF, type Backoff, backoffMs, every } from '../retry.ts';
import { SparkConnectError, fromGrpcError } from './errors.ts';
import {
  AnalyzePlanRequestSchema,
  AnalyzePlanResponseSchema,
  ConfigRequestSchema,
  ConfigResponseSchema,
  ExecutePlanRequestSchema,
  ExecutePlanResponseSchema,
  InterruptRequestSchema,
  InterruptResponseSchema,
  type AnalyzePlanResponse,
  type ConfigResponse,
  type ExecutePlanResponse,
  type PlanSchema,
} from './gen/spark/connect/base_pb.js';

export const DEFAULT_PORT = 15002;

type AnalyzeInit = Exclude<MessageInitShape<typeof AnalyzePlanRequestSchema>, { $typeName: string }>;
const SERVICE = '/spark.connect.SparkConnectService';
const CLIENT_TYPE = 'userstream-ts';

export interface ConnectUrl {
  host: string;
  port: number;
  useSsl: boolean;
  token: string | undefined;
  userId: string;
  sessionId: string | undefined;
  /** Further `;key=value` parameters, sent as gRPC metadata. */
  headers: Record<string, string>;
}

/**
 * Parses a Spark Connect URL: `sc://host[:port][/;param=value;...]` with the
 * parameters `token`, `user_id`, `session_id` and `use_ssl`; others become
 * request headers, as in the Spark Connect client specification.
 */
export function parseConnectUrl(url: string): ConnectUrl {
  const m = /^sc:\/\/(\[[^\]]+\]|[^:/;]+)(?::(\d+))?\/?(;.*)?$/.exec(url.trim());
  if (!m) throw new UserstreamError(ErrorCodes.CONFIG, `invalid Spark Connect URL ${JSON.stringify(url)}: expected sc://host[:port][/;param=value]`);
  const port = m[2] === undefined ? DEFAULT_PORT : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserstreamError(ErrorCodes.CONFIG, `invalid port in Spark Connect URL ${JSON.stringify(url)}`);
  const params: Record<string, string> = {};
  for (const part of (m[3] ?? '').split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UserstreamError(ErrorCodes.CONFIG, `invalid parameter ${JSON.stringify(part)} in Spark Connect URL: expected key=value`);
    params[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
  }
  const { token, user_id: userId, session_id: sessionId, use_ssl: useSsl, ...headers } = params;
  if (sessionId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sessionId)) {
    throw new UserstreamError(ErrorCodes.CONFIG, `session_id in a Spark Connect URL must be a UUID, got ${JSON.stringify(sessionId)}`);
  }
  return {
    host: m[1]!,
    port,
    useSsl: useSsl === 'true' || token !== undefined,
    token,
    userId: userId ?? process.env.USER ?? 'userstream',
    sessionId,
    headers,
  };
}

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** The pause before each (backoffMs). */
  backoff: Backoff;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, backoff: BACKOFF.sparkConnect };

/** One attempt: for a probe, whose answer is whether the server is there now. */
export const NO_RETRY: RetryPolicy = { retries: 0, backoff: every(0) };

export interface ClientOptions {
  retry?: RetryPolicy;
  /** Deadline of unary calls (analyze, config), ms. */
  timeoutMs?: number;
}

/** One session's connection to a Spark Connect server. */
export class SparkConnectClient {
  readonly url: ConnectUrl;
  readonly sessionId: string;
  readonly #grpc: Client;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;

  constructor(url: string, options: ClientOptions = {}) {
    this.url = parseConnectUrl(url);
    this.sessionId = this.url.sessionId ?? randomUUID();
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    let creds = this.url.useSsl ? credentials.createSsl() : credentials.createInsecure();
    if (this.url.token !== undefined) {
      const token = this.url.token;
      creds = credentials.combineChannelCredentials(
        creds,
        credentials.createFromMetadataGenerator((_p, cb) => {
          const md = new Metadata();
          md.set('authorization', `Bearer ${token}`);
          cb(null, md);
        }),
      );
    }
    this.#grpc = new Client(`${this.url.host}:${this.url.port}`, creds, {
      'grpc.max_receive_message_length': 128 * 1024 * 1024,
      'grpc.max_send_message_length': 128 * 1024 * 1024,
      'grpc.primary_user_agent': CLIENT_TYPE,
    });
  }

  get target(): string {
    return `sc://${this.url.host}:${this.url.port}`;
  }

  #metadata(): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries(this.url.headers)) md.set(k, v);
    return md;
  }

  #common() {
    return { sessionId: this.sessionId, userContext: { userId: this.url.userId }, clientType: CLIENT_TYPE };
  }

  #unary<I extends DescMessage, O extends DescMessage>(method: string, input: I, output: O, request: MessageShape<I>): Promise<MessageShape<O>> {
    return new Promise((resolve, reject) => {
      const options: CallOptions = { deadline: Date.now() + this.#timeoutMs };
      this.#grpc.makeUnaryRequest(
        `${SERVICE}/${method}`,
        (m: MessageShape<I>) => Buffer.from(toBinary(input, m)),
        (b: Buffer) => fromBinary(output, b),
        request,
        this.#metadata(),
        options,
        (error, value) => (error || !value ? reject(fromGrpcError(error, `${method} on ${this.target}`)) : resolve(value)),
      );
    });
  }

  /** Runs `call`, again after a backoff while it fails transiently. */
  async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const e = error instanceof SparkConnectError ? error : fromGrpcError(error, this.target);
        if (!e.transient || attempt >= this.#retry.retries) throw e;
        await new Promise((r) => setTimeout(r, backoffMs(attempt, this.#retry.backoff)));
      }
    }
  }

  analyze(request: { analyze: AnalyzeInit['analyze'] }): Promise<AnalyzePlanResponse> {
    const message = create(AnalyzePlanRequestSchema, { analyze: request.analyze, ...this.#common() } as AnalyzeInit);
    return this.withRetries(() => this.#unary('AnalyzePlan', AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, message));
  }

  config(operation: MessageInitShape<typeof ConfigRequestSchema>['operation']): Promise<ConfigResponse> {
    const message = create(ConfigRequestSchema, { operation, ...this.#common() });
    return this.withRetries(() => this.#unary('Config', ConfigRequestSchema, ConfigResponseSchema, message));
  }

  /** Interrupts every running operation of this session. */
  async interruptAll(): Promise<void> {
    const message = create(InterruptRequestSchema, { ...this.#common(), interruptType: 1 });
    await this.#unary('Interrupt', InterruptRequestSchema, InterruptResponseSchema, message);
  }

  /**
   * Runs a plan and yields its responses (Arrow batches, command results,
   * schema, metrics). A transient failure before the first response is
   * retried; once results flow, a failure is final (a re-run could repeat a
   * command's side effects).
   */
  async *execute(plan: MessageInitShape<typeof PlanSchema>): AsyncGenerator<ExecutePlanResponse> {
    const message = create(ExecutePlanRequestSchema, { plan, operationId: randomUUID(), ...this.#common() });
    for (let attempt = 0; ; attempt++) {
      const call: ClientReadableStream<ExecutePlanResponse> = this.#grpc.makeServerStreamRequest(
        `${SERVICE}/ExecutePlan`,
        (m: typeof message) => Buffer.from(toBinary(ExecutePlanRequestSchema, m)),
        (b: Buffer) => fromBinary(ExecutePlanResponseSchema, b),
        { ...message, operationId: randomUUID() },
        this.#metadata(),
      );
      let received = 0;
      try {
        for await (const response of call as AsyncIterable<ExecutePlanResponse>) {
          received++;
          yield response;
        }
        return;
      } catch (error) {
        const e = fromGrpcError(error, `ExecutePlan on ${this.target}`);
        if (received > 0 || !e.transient || attempt >= this.#retry.retries) throw e;
        await new Promise((r) => setTimeout(r, backoffMs(attempt, this.#retry.backoff)));
      } finally {
        call.cancel();
      }
    }
  }

  close(): void {
    this.#grpc.close();
  }
}

