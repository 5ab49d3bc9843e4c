import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configReference } from '../../../src/config/load.ts';

const file = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

test('the configuration table in docs/configuration.md is what `userstream config` prints', () => {
  assert.ok(file('docs/configuration.md').includes(configReference().trim()), 'docs/configuration.md is out of date: paste the output of `npx userstream config`');
});

test('the README names the two commands the CI runs', () => {
  const readme = file('README.md');
  const ci = file('.ci/run');
  assert.match(readme, /^npm start\b/m);
  assert.match(readme, /^npm test\b/m);
  assert.match(ci, /^\s*npm test\b/m);
});
