/**
 * docs/tour.md reads as steps (test/integration/tour.test.ts runs them on
 * the stack), and the check of a command's output against the page fails
 * when a word, a line or a key differs, not when a number does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { outputMismatch, parseTour } from '../../support/tour.ts';

const tour = readFileSync(new URL('../../../docs/tour.md', import.meta.url), 'utf8');

test('docs/tour.md: every command is userstream\'s, npm start or curl, and each one started in terminal 2 is stopped with ^C', () => {
  const steps = parseTour(tour);
  assert.ok(steps.length >= 20, `only ${steps.length} steps`);
  assert.match(steps[0]!.kind === 'run' ? steps[0].command : '', /^npm start\b/);
  let running: string | undefined;
  for (const step of steps) {
    if (step.kind === 'more') {
      assert.ok(running, `output of terminal 2 with nothing running there: ${step.expected}`);
      if (step.stop) running = undefined;
      continue;
    }
    assert.match(step.command, /^(npx userstream |npm start\b|curl )/);
    if (step.kind === 'start') {
      assert.equal(running, undefined, `${step.command} starts in terminal 2 while ${running} runs there`);
      running = step.command;
    }
  }
  assert.equal(running, undefined, `${running} is never stopped`);
  for (const section of ['API', 'users_created', 'schema', 'progress', 'Cassandra', 'dead letter']) assert.match(tour, new RegExp(`^## \\d\\. .*${section}`, 'm'));
});

test('parseTour: commands with what they print, terminal 2, and what it prints later or once stopped', () => {
  const page = [
    'text', '```console', '$ npx userstream a', 'one', 'two', '$ npx userstream b', '```',
    '```console', '$ npx userstream c      # terminal 2', 'started', '```',
    '```console', 'more', '```', '```console', '^Cstopping', 'stopped', '```', '```sh', '$ not a step', '```',
  ].join('\n');
  assert.deepEqual(parseTour(page), [
    { kind: 'run', command: 'npx userstream a', expected: 'one\ntwo' },
    { kind: 'run', command: 'npx userstream b', expected: '' },
    { kind: 'start', command: 'npx userstream c', expected: 'started' },
    { kind: 'more', expected: 'more', stop: false },
    { kind: 'more', expected: 'stopping\nstopped', stop: true },
  ]);
});

test('outputMismatch: numbers and spacing may differ, words, keys and lines may not; … stands for anything', () => {
  const shown = 'partition  end offset\n0          40152\n…\ntopic users_created: 120501 records';
  assert.equal(outputMismatch(shown, 'partition end offset\n0 67\n1 70\n2 64\ntopic users_created: 201 records'), undefined);
  assert.match(outputMismatch(shown, 'partition end offset\n0 67\ntopic users_other: 201 records')!, /^it does not go on as shown: after "topic users_" the page shows "created: 0 records" and the output "other: 0 records"$/);
  assert.match(outputMismatch(shown, 'warning\npartition end offset\n0 67\ntopic users_created: 1 records')!, /does not start as shown: after "" the page shows "partition/);
  assert.match(outputMismatch(shown, 'partition end offset\n0 67\ntopic users_created: 1 records\nmore')!, /goes on after the last line shown: "more"/);
  assert.equal(outputMismatch(shown, 'partition end offset\n0 67\ntopic users_created: 1 records\nmore', { open: true }), undefined);
  assert.equal(outputMismatch('…\ndone', 'anything\ndone'), undefined);
  assert.match(outputMismatch('{\n  "id": "x",\n  "name": "a"\n}', '{\n  "id": "x",\n  "email": "a"\n}')!, /^it does not start as shown: after .*"id\\": \\"x\\", \\"" the page shows "name/);
});
