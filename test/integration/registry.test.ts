/**
 * The contract in the stack's Schema Registry (Apicurio, over its
 * Confluent-compatible API): registered before the first message, shown and
 * checked by `userstream schema`, an incompatible change refused before
 * anything is produced, and our json-sr messages read by a client nobody
 * here wrote — confluent-kafka for Python with its Schema Registry JSON
 * deserializer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { endOffsets } from '../../src/kafka/admin.ts';
import { SchemaRegistry } from '../../src/registry/client.ts';
import { contractSchema, contractText, valueSubject } from '../../src/registry/contract.ts';
import { runCli } from '../support/cli.ts';
import { pythonWith } from '../support/python.ts';
import { testConfig } from '../support/stack.ts';

const run = promisify(execFile);
const sum = (m: Map<number, bigint>) => Number([...m.values()].reduce((a, b) => a + b, 0n));

test('the ingest registers the contract under <topic>-value with BACKWARD before producing; schema show and check see it', async (t) => {
  const config = testConfig(t);
  const registry = new SchemaRegistry(config.schemaRegistryUrl!);
  const subject = valueSubject(config.topic);
  t.after(() => registry.deleteSubject(subject).catch(() => {}));

  const ingest = await runCli(['ingest', '--source', 'builtin', '--count', '20', '--topic', config.topic]);
  assert.equal(ingest.code, 0, ingest.stderr);
  assert.match(ingest.stderr, new RegExp(`schema ${subject} version 1 \\(id \\d+\\) in the Schema Registry`));

  const versions = await registry.versions(subject);
  assert.deepEqual(versions, [1]);
  const v1 = await registry.version(subject, 1);
  assert.deepEqual(JSON.parse(v1.schema), contractSchema(), 'the registered schema is the one generated from the record schema');
  assert.equal(await registry.compatibility(subject), 'BACKWARD');

  const show = await runCli(['schema', 'show', '--json', '--topic', config.topic]);
  assert.equal(show.code, 0, show.stderr);
  const shown = JSON.parse(show.stdout) as { compatibility: string; versions: { version: number; id: number }[]; same?: { version: number } };
  assert.equal(shown.compatibility, 'BACKWARD');
  assert.deepEqual(shown.versions.map((v) => [v.version, v.id]), [[1, v1.id]]);
  assert.equal(shown.same?.version, 1);

  const check = await runCli(['schema', 'check', '--topic', config.topic]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, new RegExp(`^the local schema is version 1 of ${subject} \\(id ${v1.id}\\)\\n$`));

  // A second ingest registers nothing new: the same schema is the same version.
  assert.equal((await runCli(['ingest', '--source', 'builtin', '--count', '5', '--topic', config.topic])).code, 0);
  assert.deepEqual(await registry.versions(subject), [1]);
});

test('an incompatible registered contract: schema check and the ingest refuse with one line, and nothing is produced', async (t) => {
  const config = testConfig(t);
  const registry = new SchemaRegistry(config.schemaRegistryUrl!);
  const subject = valueSubject(config.topic);
  t.after(() => registry.deleteSubject(subject).catch(() => {}));
  // Another producer's contract already there: every record also has a required `nickname`.
  const theirs = contractSchema() as { properties: Record<string, unknown>; required: string[] };
  const other = { ...theirs, properties: { ...theirs.properties, nickname: { type: 'string' } }, required: [...theirs.required, 'nickname'] };
  await registry.setCompatibility(subject, 'BACKWARD');
  await registry.register(subject, JSON.stringify(other));

  const check = await runCli(['schema', 'check', '--topic', config.topic]);
  assert.equal(check.code, 1);
  const lines = check.stderr.trim().split('\n');
  assert.equal(lines.length, 1, check.stderr);
  assert.match(lines[0]!, new RegExp(`^userstream: the local schema is not BACKWARD compatible with version 1 of ${subject}: incompatible: .+`));
  // The check left the subject as it was (its scratch subject is gone).
  assert.deepEqual(await registry.versions(subject), [1]);

  const ingest = await runCli(['ingest', '--source', 'builtin', '--count', '10', '--topic', config.topic]);
  assert.equal(ingest.code, 1);
  const errors = ingest.stderr.trim().split('\n').filter((l) => l.startsWith('userstream:'));
  assert.equal(errors.length, 1, ingest.stderr);
  assert.match(errors[0]!, /^userstream: the record schema is not BACKWARD compatible with version 1 of .+, so nothing was produced: incompatible: /);
  assert.equal(sum(await endOffsets(config, config.topic)), 0, 'nothing was produced');
  assert.doesNotMatch(ingest.stderr, /\n\s+at /);
});

test("json-sr: confluent-kafka's JSON deserializer reads our messages against our registry", { timeout: 10 * 60_000 }, async (t) => {
  const config = testConfig(t);
  const registry = new SchemaRegistry(config.schemaRegistryUrl!);
  const subject = valueSubject(config.topic);
  t.after(() => registry.deleteSubject(subject).catch(() => {}));
  const dir = mkdtempSync(join(tmpdir(), 'us-interop-'));
  const audit = join(dir, 'audit.txt');

  const ingest = await runCli(['ingest', '--source', 'builtin', '--seed', 'interop', '--count', '200', '--value-format', 'json-sr', '--topic', config.topic, '--audit-file', audit]);
  assert.equal(ingest.code, 0, ingest.stderr);
  const ids = readFileSync(audit, 'utf8').split('\n').filter(Boolean);
  assert.equal(ids.length, 200);

  const python = await pythonWith('confluent-kafka-2.16.1', ['confluent-kafka[schemaregistry,json]==2.16.1']);
  const script = new URL('../interop/read_json_sr.py', import.meta.url).pathname;
  const { stdout } = await run(python, [script, config.kafkaBrokers.join(','), config.topic, config.schemaRegistryUrl!, '200', '120'], { maxBuffer: 1 << 24 });
  const read = stdout.trim().split('\n').map((l) => JSON.parse(l) as { schema_id: number; key: string; record: Record<string, unknown> });
  assert.equal(read.length, 200);
  const registered = await registry.version(subject, 1);
  assert.ok(read.every((m) => m.schema_id === registered.id), 'every message carries the registered schema id');
  assert.deepEqual(new Set(read.map((m) => m.record.id)), new Set(ids));
  for (const m of read) assert.equal(m.key, m.record.id);
  // What the deserializer validated is a record: the contract's own fields, nothing else.
  assert.deepEqual(Object.keys(read[0]!.record), Object.keys((JSON.parse(contractText()) as { properties: object }).properties));
});
