/**
 * docs/tour.md works as written: its commands, read out of the page and run
 * in its order through `sh` from the checkout, print what the page shows
 * (outputMismatch: every line and word, numbers aside), and what they print
 * adds up (the checks below: the API's user is the message's key, the
 * message is the row, the lag moves, the dead letters land once replayed).
 *
 * The same commands, with three differences, each for the test's own sake:
 * USERSTREAM_TOPIC, _DLQ_TOPIC, _GROUP_ID and _KEYSPACE point them at a
 * topic, group and keyspace of this test (the page's names are swapped for
 * those in what it shows); `npm start -- …` runs package.json's start
 * script with `--count 200` (the prestart setup is npm test's to do, and
 * 200 records through the same Airflow DAG run prove the same as 120,500);
 * `userstream api` gets a free port instead of 8000. Logs are plain text,
 * as a terminal shows them without colours. The first `npx userstream`
 * runs through npx, which proves the page's way of calling the CLI works
 * from the checkout; the rest run the file npx runs (package.json's bin,
 * bin/userstream.js) directly, a second less each.
 *
 * A command that only reads (peek, status, rows, dlq list|show, schema
 * show, curl) is run again until it prints what the page shows or a
 * deadline passes: the engine in terminal 2 gets there when it gets there.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RECORD_FIELDS } from '../../src/record/record.ts';
import { SchemaRegistry } from '../../src/registry/client.ts';
import { valueSubject } from '../../src/registry/contract.ts';
import { type Check, every, until } from '../../src/retry.ts';
import { testConfig } from '../support/stack.ts';
import { type TourStep, ELIDED, outputMismatch, parseTour } from '../support/tour.ts';
import { freePort } from '../support/ports.ts';

const root = new URL('../../', import.meta.url).pathname;
const page = readFileSync(`${root}docs/tour.md`, 'utf8');
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
const startScript = pkg.scripts.start!;
const bin = pkg.bin.userstream!;

/** How long a command that reads may take to print what the page shows, and a run or a stop at most. */
const SETTLE_MS = 60_000;
const RUN_MS = 180_000;
const READS = /^(npx userstream (peek|status|rows|dlq (list|show)|schema show)|curl)\b/;

interface Ran {
  code: number | null;
  output: string;
}

/** Runs `command` through sh with stderr in stdout, in the order a terminal shows them. */
function run(command: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `exec 2>&1; ${command}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A command in terminal 2: its own process group, so ^C reaches npx and the CLI under it, as a terminal's does. */
class Terminal2 {
  /** The command as the page shows it. */
  readonly command: string;
  readonly viaNpx: boolean;
  /** How it ended: a clean stop is exit 0; through npx, which passes the ^C on and then ends by it, SIGINT too. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #child: ChildProcess;
  #output = '';
  #closed = false;

  constructor(command: string, runs: string, env: NodeJS.ProcessEnv) {
    this.command = command;
    this.viaNpx = runs.startsWith('npx ');
    this.#child = spawn('sh', ['-c', `exec 2>&1; exec ${runs}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    this.#child.stdout!.on('data', (d) => (this.#output += d));
    this.#child.on('close', (code, signal) => {
      this.#closed = true;
      this.exit = { code, signal };
    });
  }

  get output(): string {
    return this.#output;
  }

  /** What it printed so far; it must still run (it was not stopped yet). */
  running(): string {
    if (this.#closed) throw new Error(`${this.command} in terminal 2 ended before ^C (${JSON.stringify(this.exit)}):\n${this.#output}`);
    return this.#output;
  }

  async stop(): Promise<void> {
    if (this.#closed) return;
    process.kill(-this.#child.pid!, 'SIGINT');
    await until(`${this.command} to stop after ^C`, async () => (this.#closed ? { done: true, value: undefined } : { done: false, saw: this.#output.slice(-300) }), {
      deadline: Date.now() + 30_000,
      pause: every(100),
    });
  }

  kill(): void {
    if (!this.#closed) process.kill(-this.#child.pid!, 'SIGKILL');
  }
}

/** What the checks below learn along the way. */
interface Learnt {
  tourId?: string;
  message?: { key: string; value: Record<string, unknown> };
  deadLetter?: { key: string; value: Record<string, unknown> };
}

/**
 * What each command's output must also say, in the page's order: the
 * first check whose `step` matches the step's command (`^C <command>` for a
 * stop) is its check. Every check must be used, so a step the page drops
 * fails here.
 */
function checks(names: { topic: string; keyspace: string }, learnt: Learnt): { step: RegExp; exit?: number; check: (out: string) => void }[] {
  const allRow = (out: string) => {
    const m = /^all\s+(\d+)\s+(\d+)\s+-$/m.exec(out);
    assert.ok(m, 'no "all" row with the node engine\'s lag');
    return { end: Number(m[1]), lag: Number(m[2]), rows: Number(new RegExp(`^rows in ${names.keyspace}\\.created_users: (\\d+)$`, 'm').exec(out)?.[1]) };
  };
  const json = <T>(out: string) => JSON.parse(out) as T;
  return [
    {
      step: /^npm start -- --engine node$/,
      check: (out) => {
        assert.match(out, /^ {2}produced {7}200 /m);
        assert.match(out, /^ {2}written {8}200 /m);
        assert.match(out, new RegExp(`^ {2}rows in ${names.keyspace}\\.created_users: 200 `, 'm'));
      },
    },
    {
      step: /^curl .*seed=tour/,
      check: (out) => {
        const answer = json<{ results: { login: { uuid: string } }[]; info: { seed: string } }>(out);
        assert.equal(answer.results.length, 1);
        assert.equal(answer.info.seed, 'tour');
        learnt.tourId = answer.results[0]!.login.uuid;
      },
    },
    { step: /^npx userstream ingest --count 1 --seed tour /, check: (out) => assert.match(out, /^ingested 1 records in /m) },
    {
      step: /^npx userstream peek$/,
      check: (out) => {
        const messages = json<{ topic: string; key: string; value: Record<string, unknown> }[]>(out);
        assert.equal(messages.length, 1);
        const [m] = messages;
        assert.equal(m!.topic, names.topic);
        assert.equal(m!.key, learnt.tourId, 'the newest message is the API\'s user, keyed by its login.uuid');
        assert.equal(m!.value.id, m!.key);
        assert.deepEqual(Object.keys(m!.value), RECORD_FIELDS);
        learnt.message = m;
      },
    },
    {
      step: /^npx userstream schema show$/,
      check: (out) => {
        assert.ok(out.startsWith(`subject ${valueSubject(names.topic)} at `), out);
        assert.match(out, /^1\s+\d+\s+13 \(optional: ingested_at\)\s+yes$/m);
      },
    },
    {
      step: /^npx userstream schema show --json$/,
      check: (out) => {
        const shown = json<{ subject: string; versions: { schema: { properties: Record<string, unknown> } }[]; compatible: boolean }>(out);
        assert.equal(shown.subject, valueSubject(names.topic));
        assert.deepEqual(Object.keys(shown.versions.at(-1)!.schema.properties), RECORD_FIELDS);
        assert.equal(shown.compatible, true);
      },
    },
    { step: /^npx userstream status$/, check: (out) => assert.deepEqual(allRow(out), { end: 201, lag: 1, rows: 200 }) },
    { step: /^npx userstream status$/, check: (out) => assert.deepEqual(allRow(out), { end: 201, lag: 0, rows: 201 }) },
    {
      step: /^npx userstream rows --id /,
      check: (out) => assert.deepEqual(json(out), [learnt.message!.value], 'the row is the message\'s value, column for column'),
    },
    { step: /^\^C npx userstream stream --engine node$/, check: (out) => assert.match(out, /^stopped: 1 written, 0 dead-lettered$/m) },
    { step: /^npx userstream ingest --count 3 --seed strict /, check: (out) => assert.match(out, /^ingested 3 records in /m) },
    { step: /^npx userstream dlq list$/, check: (out) => assert.match(out, /^3\s+value is N bytes, over the 300-byte limit\s+0\s+2\s/m) },
    {
      step: /^npx userstream dlq show 0$/,
      check: (out) => {
        assert.match(out, /^reason {3}value is \d+ bytes, over the 300-byte limit$/m);
        assert.match(out, new RegExp(`^from {5}${names.topic} partition \\d+ offset \\d+, produced `, 'm'));
        const key = /^key {6}(\S+)$/m.exec(out)?.[1];
        const value = json<Record<string, unknown>>(out.trimEnd().split('\n').at(-1)!);
        assert.equal(value.id, key);
        learnt.deadLetter = { key: key!, value };
      },
    },
    {
      step: /^npx userstream rows --id /,
      exit: 1,
      check: (out) => {
        assert.ok(out.startsWith('[]\n'), out);
        assert.match(out, new RegExp(`^userstream: no row in ${names.keyspace}\\.created_users with id ${learnt.deadLetter!.key}$`, 'm'));
      },
    },
    { step: /^\^C npx userstream stream --engine node --max-message-bytes 300$/, check: (out) => assert.match(out, /^stopped: 0 written, 3 dead-lettered$/m) },
    { step: /^npx userstream dlq replay$/, check: (out) => assert.equal(out, `replayed 3 dead letters (offsets 0..2) to ${names.topic}\n`) },
    {
      step: /^npx userstream rows --id /,
      check: (out) => assert.deepEqual(json(out), [learnt.deadLetter!.value], 'the replayed dead letter is a row'),
    },
    { step: /^\^C npx userstream stream --engine node$/, check: (out) => assert.match(out, /^stopped: 3 written, 0 dead-lettered$/m) },
  ];
}

test('docs/tour.md: each command prints what the page shows, on a topic and keyspace of the test\'s own', { timeout: 10 * 60_000 }, async (t) => {
  const config = testConfig(t);
  const registry = new SchemaRegistry(config.schemaRegistryUrl!);
  t.after(() => registry.deleteSubject(valueSubject(config.topic)).catch(() => {}));
  const apiPort = await freePort();
  const env = {
    ...process.env,
    USERSTREAM_TOPIC: config.topic,
    USERSTREAM_DLQ_TOPIC: config.dlqTopic,
    USERSTREAM_GROUP_ID: config.groupId,
    USERSTREAM_KEYSPACE: config.keyspace,
    USERSTREAM_LOG_FORMAT: 'text',
  };
  /** The page's names, and port, as this test has them. */
  const ours = (text: string) =>
    text
      .replaceAll('users_created.dlq', config.dlqTopic)
      .replaceAll('users_created', config.topic)
      .replaceAll('spark_streams', config.keyspace)
      .replaceAll('userstream-node', config.groupId)
      .replaceAll('127.0.0.1:8000', `127.0.0.1:${apiPort}`);
  let npxProven = false;
  const command = (shown: string) => {
    const runs = ours(shown)
      .replace(/^npm start -- (.*)$/, `${startScript} $1 --count 200`)
      .replace(/^npx userstream api$/, `npx userstream api --port ${apiPort}`);
    if (!runs.startsWith('npx userstream ') || !npxProven) {
      npxProven ||= runs.startsWith('npx userstream ');
      return runs;
    }
    return runs.replace(/^npx userstream /, `${process.execPath} ${root}${bin} `);
  };

  const learnt: Learnt = {};
  const expectations = checks({ topic: config.topic, keyspace: config.keyspace }, learnt);
  /** The next check, when `label` is its step. */
  const checkOf = (label: string) => (expectations[0]?.step.test(label) ? expectations.shift() : undefined);
  const verify = (label: string, expected: string, ran: Ran, exit: number | undefined, check: ((out: string) => void) | undefined) => {
    const mismatch = outputMismatch(ours(expected), ran.output);
    if (mismatch) assert.fail(`${label}: not what docs/tour.md shows: ${mismatch}`);
    if (exit !== undefined) assert.equal(ran.code, exit, `${label} exited ${ran.code}:\n${ran.output}`);
    check?.(ran.output);
  };

  let terminal2: Terminal2 | undefined;
  /** What terminal 2 has shown so far on the page. */
  let shown2: string[] = [];
  t.after(() => terminal2?.kill());
  const steps: TourStep[] = parseTour(page);
  for (const step of steps) {
    const started = performance.now();
    const label = step.kind === 'more' ? `${step.stop ? '^C' : '…'} ${terminal2?.command ?? '(nothing in terminal 2)'}` : step.command;
    if (step.kind === 'run') {
      const expect = checkOf(label);
      const exit = expect?.exit ?? 0;
      if (READS.test(step.command)) {
        await until(
          `${step.command} to print what docs/tour.md shows`,
          async (): Promise<Check<undefined>> => {
            const ran = await run(command(step.command), env);
            try {
              verify(label, step.expected, ran, exit, expect?.check);
              return { done: true, value: undefined };
            } catch (error) {
              return { done: false, saw: `${(error as Error).message}\n${ran.output.slice(0, 2000)}` };
            }
          },
          { deadline: Date.now() + SETTLE_MS },
        );
      } else {
        verify(label, step.expected, await run(command(step.command), env), exit, expect?.check);
      }
    } else if (step.kind === 'start') {
      assert.equal(terminal2, undefined, `${step.command}: terminal 2 is busy`);
      terminal2 = new Terminal2(step.command, command(step.command), env);
      shown2 = [step.expected];
      const t2 = terminal2;
      await until(`${step.command} to print what docs/tour.md shows`, async (): Promise<Check<undefined>> => {
        const mismatch = outputMismatch(ours(step.expected), t2.running(), { open: true });
        return mismatch ? { done: false, saw: mismatch } : { done: true, value: undefined };
      }, { deadline: Date.now() + SETTLE_MS });
    } else {
      assert.ok(terminal2, `${label}: nothing runs in terminal 2`);
      const t2 = terminal2;
      shown2.push(step.expected);
      const expected = shown2.filter((s) => s !== '').join(`\n${ELIDED}\n`);
      if (step.stop) {
        t2.running();
        await t2.stop();
        const clean = t2.exit!.code === 0 || (t2.exit!.signal === 'SIGINT' && t2.viaNpx);
        assert.ok(clean, `${label}: ended ${JSON.stringify(t2.exit)}, not cleanly:\n${t2.output}`);
        verify(label, expected, { code: null, output: t2.output }, undefined, checkOf(label)?.check);
        terminal2 = undefined;
      } else {
        await until(`terminal 2 to show what docs/tour.md shows after ${t2.command}`, async (): Promise<Check<undefined>> => {
          const mismatch = outputMismatch(ours(expected), t2.running(), { open: true });
          return mismatch ? { done: false, saw: mismatch } : { done: true, value: undefined };
        }, { deadline: Date.now() + SETTLE_MS });
      }
    }
    t.diagnostic(`${label.slice(0, 80)}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  assert.deepEqual(expectations.map((e) => String(e.step)), [], 'docs/tour.md no longer has a step these checks expect, in this order');
});
