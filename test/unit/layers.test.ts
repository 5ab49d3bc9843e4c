import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { LAYERS, breach, layersPlugin, placeOf } from '../../scripts/layers.ts';

const root = resolve(import.meta.dirname, '../..');

/** The rule's messages for `code` as the file src/<path>. */
function lint(path: string, code: string): string[] {
  const linter = new Linter({ cwd: root });
  const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { userstream: layersPlugin }, rules: { 'userstream/layers': 'error' as const } }];
  return linter.verify(code, config, { filename: resolve(root, 'src', path) }).map((m) => m.message);
}

test('a file belongs to the unit with the longest path that holds it', () => {
  assert.deepEqual(placeOf('errors.ts'), { unit: 'errors.ts', layer: 0 });
  assert.deepEqual(placeOf('engines/spark/engine.ts'), { unit: 'engines', layer: 8 });
  assert.deepEqual(placeOf('spark-connect/gen/spark/connect/base_pb.js'), { unit: 'spark-connect', layer: 6 });
  assert.deepEqual(placeOf('cli/options.ts'), { unit: 'cli', layer: 10 });
  assert.deepEqual(placeOf('cli/commands/up.ts'), { unit: 'cli/commands/up.ts', layer: 11 }, 'each command is a unit of its own');
  assert.deepEqual(placeOf('cli/main.ts'), { unit: 'cli/main.ts', layer: 12 });
  assert.equal(placeOf('new-folder/x.ts'), undefined);
  assert.equal(placeOf('healthy.ts'), undefined, 'a unit is a whole name, not a prefix');
});

test('imports go down only: not up, not across one layer, not between commands', () => {
  const at = (path: string) => placeOf(path)!;
  assert.equal(breach(at('kafka/admin.ts'), at('config/options.ts')), undefined);
  assert.equal(breach(at('engines/node/engine.ts'), at('engines/prepare.ts')), undefined, 'inside a unit');
  assert.match(breach(at('config/load.ts'), at('stack/kafka.ts'))!, /^config \(layer 3, config\) may not import stack \(layer 9, pipeline and stack\), a higher layer/);
  assert.match(breach(at('stack/spark-recipe.ts'), at('engines/spark/connection-options.ts'))!, /^stack and engines sit side by side in layer 9/);
  assert.match(breach(at('cli/commands/up.ts'), at('cli/commands/stack.ts'))!, /^a command may not import another command \(cli\/commands\/up.ts imports cli\/commands\/stack.ts\)/);
  assert.match(breach(at('cli/table.ts'), at('cli/commands/stack.ts'))!, /may not import .* a higher layer/, 'the CLI\'s modules do not import commands');
});

test('the ESLint rule names the file and the import, for every kind of import', () => {
  assert.deepEqual(lint('config/load.ts', "import { kafkaServices } from '../stack/kafka.ts';\nvoid kafkaServices;"), [
    "src/config/load.ts imports '../stack/kafka.ts': config (layer 3, config) may not import stack (layer 9, pipeline and stack), a higher layer: move what both need down (docs/architecture.md)",
  ]);
  const kinds = [
    "import type { Snapshot } from '../dashboard/collector.ts';",
    "export { startDashboard } from '../dashboard/run.ts';",
    "export * from '../dashboard/run.ts';",
    "export const later = () => import('../dashboard/run.ts');",
  ];
  for (const code of kinds) assert.equal(lint('engines/tally.ts', code).length, 1, code);
  assert.deepEqual(lint('dashboard/run.ts', "import { x } from '../kafka/admin.ts';\nimport pino from 'pino';\nimport { y } from './collector.ts';\nvoid x; void y; void pino;"), []);
  assert.deepEqual(lint('new-folder/x.ts', 'export const x = 1;'), [
    'src/new-folder/x.ts is in no layer: add its folder to LAYERS in scripts/layers.ts and to docs/architecture.md',
  ]);
});

test('docs/architecture.md lists the layers of scripts/layers.ts, in order', () => {
  const doc = readFileSync(resolve(root, 'docs/architecture.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => /^\| \d+ \|/.test(l));
  assert.equal(rows.length, LAYERS.length, 'one table row per layer');
  for (const [i, layer] of LAYERS.entries()) {
    const row = rows[i]!;
    assert.ok(row.startsWith(`| ${i + 1} | ${layer.name} |`), `row ${i + 1} is layer ${layer.name}: ${row}`);
    for (const unit of layer.units) assert.ok(row.includes(`\`src/${unit}\``), `row ${i + 1} names src/${unit}`);
  }
});
