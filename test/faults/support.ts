/**
 * Fault injection for the reliability suite: a randomuser-compatible API
 * that fails a share of requests on purpose, kill -9 of the local stack's
 * services, bad messages, and the reconciliation of what was accepted with
 * what landed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import type cassandra from 'cassandra-driver';
import type { Config } from '../../src/config/options.ts';
import { toRecord } from '../../src/record/from-random-user.ts';
import type { UserRecord } from '../../src/record/record.ts';
import { generateUsers } from '../../src/source/builtin/index.ts';
import { stackPaths } from '../../src/stack/paths.ts';
import { isAlive, isOurs, readRunInfo } from '../../src/stack/process.ts';

export type ApiFault = 'ok' | '500' | '503' | '429' | 'hang' | 'truncate';

/**
 * Which requests fail, by their number (0-based): deterministic, so a run
 * can be repeated. About a quarter of requests fail, one way or another;
 * two hang until the client's timeout.
 */
export function faultFor(n: number, hangs: ReadonlySet<number>): ApiFault {
  if (hangs.has(n)) return 'hang';
  if (n % 11 === 3) return '500';
  if (n % 13 === 5) return '503';
  if (n % 17 === 7) return '429';
  if (n % 19 === 9) return 'truncate';
  return 'ok';
}

export interface FaultyApi {
  url: string;
  /** How many requests got each answer. */
  counts: Record<ApiFault, number>;
  close(): Promise<void>;
}

export async function startFaultyApi(hangs: ReadonlySet<number> = new Set([20, 90])): Promise<FaultyApi> {
  const counts: Record<ApiFault, number> = { ok: 0, '500': 0, '503': 0, '429': 0, hang: 0, truncate: 0 };
  const sockets = new Set<Socket>();
  let n = 0;
  const server: Server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const fault = faultFor(n++, hangs);
    counts[fault]++;
    if (fault === 'hang') return; // never answers; the client times out
    if (fault === '500' || fault === '503') {
      res.writeHead(Number(fault), { 'content-type': 'application/json' }).end('{"error":"injected failure"}');
      return;
    }
    if (fault === '429') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"slow down"}');
      return;
    }
    const body = Buffer.from(
      JSON.stringify(
        generateUsers({
          results: Number(url.searchParams.get('results') ?? 1),
          seed: url.searchParams.get('seed') ?? undefined,
          page: Number(url.searchParams.get('page') ?? 1),
        }),
      ),
    );
    if (fault === 'truncate') {
      // Headers promise the whole body; half of it arrives, then the connection drops.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    counts,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** kill -9 of a local-stack service's whole process group; resolves once it is gone. */
export async function killService(config: Pick<Config, 'stackHome'>, name: string): Promise<number> {
  const info = readRunInfo(stackPaths(config.stackHome).runFile(name));
  if (!isOurs(info)) throw new Error(`${name} is not running (no run file of ours)`);
  try {
    process.kill(-info.pid, 'SIGKILL');
  } catch {
    process.kill(info.pid, 'SIGKILL');
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(info.pid)) {
    if (Date.now() > deadline) throw new Error(`${name} (pid ${info.pid}) still alive 30 s after kill -9`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return info.pid;
}

export interface BadMessage {
  key: string;
  value: Buffer | null;
  kind: string;
  reason: RegExp;
}

/** Malformed, oversized, non-UTF-8 and poison messages (valid JSON that is not a user). */
export function badMessages(tag: string, good: UserRecord): BadMessage[] {
  const m = (kind: string, value: Buffer | null, reason: RegExp): BadMessage => ({ key: `fault-${tag}-${kind}`, value, kind, reason });
  return [
    m('malformed-json', Buffer.from('{"id": "unterminated'), /^value is not JSON/),
    m('plain-text', Buffer.from('hello, not a user'), /^value is not JSON/),
    m('oversized', Buffer.from(JSON.stringify({ ...good, first_name: 'x'.repeat(200_000) })), /^value is \d+ bytes, over the 65536-byte limit$/),
    m('non-utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /^value is not valid UTF-8$/),
    m('empty', Buffer.alloc(0), /^empty message$/),
    m('poison-array', Buffer.from('[{"id":"x"}]'), /^schema violation/),
    m('poison-wrong-types', Buffer.from(JSON.stringify({ ...good, first_name: 42, dob: null })), /^schema violation at (first_name|dob)/),
    m('poison-bad-id', Buffer.from(JSON.stringify({ ...good, id: '../../etc/passwd' })), /^schema violation at id/),
    m('poison-proto', Buffer.from(`{"__proto__": {"admin": true}, ${JSON.stringify(good).slice(1, -1).replace(/"ingested_at":"[^"]*"/, '"ingested_at":"never"')}}`), /^schema violation at ingested_at/),
  ];
}

export async function injectBadMessages(config: Pick<Config, 'kafkaBrokers' | 'topic'>, messages: BadMessage[]): Promise<void> {
  const producer = new Producer({
    clientId: `faults-${randomBytes(3).toString('hex')}`,
    bootstrapBrokers: config.kafkaBrokers,
    serializers: { key: stringSerializer },
    retries: 10,
    // Every replica in sync, as the pipeline's own producers: with the client's default (the leader
    // only), a broker killed right after lost 6 of the 9 on the cluster, and they never reached the engine.
    acks: ProduceAcks.ALL,
  });
  try {
    await producer.send({ messages: messages.map((b) => ({ topic: config.topic, key: b.key, value: b.value ?? Buffer.alloc(0) })) });
  } finally {
    await producer.close();
  }
}

/** The records a seeded source answers for pages 1..pages of `size` users: what the ingest can accept. */
export function expectedRecords(seed: string, pages: number, size: number, baseUrl?: string): Map<string, UserRecord> {
  const out = new Map<string, UserRecord>();
  const at = new Date(0);
  for (let page = 1; page <= pages; page++) {
    for (const user of generateUsers({ results: size, seed, page, baseUrl }).results) {
      const r = toRecord(user, at);
      out.set(r.id, r);
    }
  }
  return out;
}

/** Runs a query page by page (5,000 rows a page), handing each row over. */
async function eachPagedRow(client: cassandra.Client, query: string, each: (row: cassandra.types.Row) => void): Promise<void> {
  let pageState: string | undefined;
  do {
    const rs = await client.execute(query, [], { prepare: true, fetchSize: 5000, ...(pageState ? { pageState } : {}) });
    for (const row of rs.rows) each(row);
    pageState = rs.pageState ?? undefined;
  } while (pageState);
}

/** Every row of the table, by id. */
export async function allRows(client: cassandra.Client, config: Pick<Config, 'keyspace' | 'table'>): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  await eachPagedRow(client, `SELECT * FROM ${config.keyspace}.${config.table}`, (row) => out.set(String(row.id), row as unknown as Record<string, unknown>));
  return out;
}

/**
 * When each row was last written, in ms since the epoch: Cassandra's write
 * time of its `ingested_at` (set by the writing driver from this machine's
 * clock), read at the client's consistency. A row written again (a batch
 * delivered twice) counts at its last write. Sorted.
 */
export async function writeTimes(client: cassandra.Client, config: Pick<Config, 'keyspace' | 'table'>): Promise<number[]> {
  const out: number[] = [];
  await eachPagedRow(client, `SELECT WRITETIME(ingested_at) AS written FROM ${config.keyspace}.${config.table}`, (row) => {
    if (row.written !== null) out.push(Number(row.written) / 1000);
  });
  return out.sort((a, b) => a - b);
}

/** How many of the sorted times fall in [from, until). */
export function countBetween(sorted: number[], from: number, until: number): number {
  const index = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return index(until) - index(from);
}

/** Fields of a row that differ from the record the source answered (ingested_at aside: a replay restamps it). */
export function contentDiff(row: Record<string, unknown>, record: UserRecord): string[] {
  const diffs: string[] = [];
  for (const [k, v] of Object.entries(record)) {
    if (k === 'id' || k === 'ingested_at') continue;
    if (String(row[k] ?? '') !== String(v)) diffs.push(k);
  }
  return diffs;
}

/** The ids an `--audit-file` holds, one per acknowledgement (replays included). */
export function auditLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export interface Reconciliation {
  /** Distinct ids the ingest had acknowledged. */
  acceptedIds: Set<string>;
  auditLines: number;
  rows: number;
  /** Accepted, not in Cassandra. */
  lost: string[];
  /** In Cassandra, never accepted. */
  unexpected: string[];
  /** Rows that differ from what the seeded source answered: `<id>: <field> <row> ≠ <source>, …`. */
  changed: string[];
}

/**
 * What the ingest acknowledged (the audit file) against every row of the
 * table, and each row against what the seeded source answers for its id
 * (pages 1..records/page of `page` users). Without an audit file (an
 * ingest that ran where this cannot read: an Airflow task in a container),
 * every user of those pages counts as acknowledged: the ingest's summary
 * said it produced them all.
 */
export async function reconcile(
  client: cassandra.Client,
  config: Pick<Config, 'keyspace' | 'table'>,
  audit: string | undefined,
  seeded: { seed: string; records: number; page: number; baseUrl?: string },
): Promise<Reconciliation> {
  // The seeded pages are regenerated whole: a last page cut short would be rows the reconcile does not know.
  if (seeded.records % seeded.page !== 0) throw new Error(`reconcile: ${seeded.records} records are not whole pages of ${seeded.page}`);
  const expected = expectedRecords(seeded.seed, seeded.records / seeded.page, seeded.page, seeded.baseUrl);
  const acknowledged = audit === undefined ? [...expected.keys()] : auditLines(audit);
  const acceptedIds = new Set(acknowledged);
  const rows = await allRows(client, config);
  const changed: string[] = [];
  for (const [id, row] of rows) {
    const want = expected.get(id);
    if (!want) changed.push(`${id}: not from the seeded pages`);
    else {
      const diff = contentDiff(row, want);
      if (diff.length > 0) changed.push(`${id}: ${diff.map((f) => `${f} ${JSON.stringify(row[f])} ≠ ${JSON.stringify(want[f as keyof UserRecord])}`).join(', ')}`);
    }
  }
  return {
    acceptedIds,
    auditLines: acknowledged.length,
    rows: rows.size,
    lost: [...acceptedIds].filter((id) => !rows.has(id)),
    unexpected: [...rows.keys()].filter((id) => !acceptedIds.has(id)),
    changed,
  };
}

/** The promise: every seeded record accepted, each in Cassandra, nothing else there, nothing changed. */
export function assertReconciled(r: Reconciliation, records: number, acceptedWhat: string): void {
  assert.equal(r.acceptedIds.size, records, acceptedWhat);
  assert.deepEqual(r.lost.slice(0, 5), [], `${r.lost.length} accepted records are not in Cassandra`);
  assert.deepEqual(r.unexpected.slice(0, 5), [], `${r.unexpected.length} rows were never accepted`);
  assert.deepEqual(r.changed.slice(0, 3), [], `${r.changed.length} rows differ from what the source sent`);
}
