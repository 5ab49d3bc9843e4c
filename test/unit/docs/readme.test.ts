import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configReference } from '../../../src/config/load.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('the README configuration table is what `userstream config` prints', () => {
  assert.ok(readme.includes(configReference().trim()), 'README.md is out of date: paste the output of `npx userstream config`');
});

test('the README names the two commands the CI runs', () => {
  const ci = readFileSync(new URL('../../../.ci/run', import.meta.url), 'utf8');
  assert.match(readme, /^npm start\b/m);
  assert.match(readme, /^npm test\b/m);
  assert.match(ci, /^\s*npm test\b/m);
});
