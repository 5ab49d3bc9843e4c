import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { test } from 'node:test';

/**
 * No module in src/ is over this many lines (issue #30, "Thin commands, small
 * rooms"): past it a file holds more than one thing, and what it holds goes
 * into modules of its own in the same folder. The code generated into
 * src/spark-connect/gen is not ours to split.
 */
const MAX_LINES = 400;
const GENERATED = 'spark-connect/gen/';

const src = resolve(import.meta.dirname, '../../src');

/** Lines as `wc -l` counts them: a last line without its newline counts too. */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every .ts file under src/ but the generated code, as a path under src/ with `/`. */
function sourceFiles(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split(sep).join('/'))
    .filter((path) => path.endsWith('.ts') && !path.startsWith(GENERATED))
    .sort();
}

test(`no file in src/ is over ${MAX_LINES} lines (src/${GENERATED} excluded)`, () => {
  const files = sourceFiles();
  assert.ok(files.length > 50, `src/ holds ${files.length} .ts files: the walk missed them`);
  const over = files
    .map((path) => ({ path, lines: lineCount(readFileSync(join(src, path), 'utf8')) }))
    .filter((f) => f.lines > MAX_LINES);
  assert.deepEqual(
    over.map((f) => `src/${f.path}: ${f.lines} lines`),
    [],
    `over ${MAX_LINES} lines: move whole functions or classes into modules of their own in the same folder`,
  );
});
