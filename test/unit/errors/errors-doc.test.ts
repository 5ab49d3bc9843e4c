/**
 * The error codes a user can look up: each one in ErrorCodes is raised
 * somewhere in src and has its section in docs/errors.md, and no page
 * names a code that does not exist.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors.ts';

const root = new URL('../../../', import.meta.url).pathname;
const known = new Set<string>(Object.values(ErrorCodes));

/** The TypeScript of src, without the error module itself and the generated Spark Connect code. */
function sources(): { file: string; text: string }[] {
  return readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f !== 'errors.ts' && !f.startsWith('spark-connect/gen/'))
    .map((f) => ({ file: `src/${f}`, text: readFileSync(join(root, 'src', f), 'utf8') }));
}

test('every error code is raised somewhere in src', () => {
  const raised = new Set<string>();
  for (const { text } of sources()) {
    for (const m of text.matchAll(/new UserstreamError\(\s*ErrorCodes\.(\w+)\b/g)) raised.add(m[1]!);
  }
  const unused = Object.entries(ErrorCodes).filter(([key]) => !raised.has(key)).map(([key, code]) => `ErrorCodes.${key} (${code})`);
  assert.deepEqual(unused, [], 'raise these codes with new UserstreamError(ErrorCodes.X, …), or remove them from src/errors.ts');
});

test('docs/errors.md has one section per error code, and none for a code that does not exist', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const headings = [...doc.matchAll(/^#{2,3} +(US_ERR_\w+)\s*$/gm)].map((m) => m[1]!);
  const missing = [...known].filter((code) => !headings.includes(code));
  assert.deepEqual(missing, [], 'docs/errors.md: add a "## <code>" section for each of these');
  const unknown = headings.filter((code) => !known.has(code));
  assert.deepEqual(unknown, [], 'docs/errors.md: these sections are for codes that do not exist');
  const twice = headings.filter((code, i) => headings.indexOf(code) !== i);
  assert.deepEqual(twice, [], 'docs/errors.md: these codes have more than one section');
});

test('no page or source names an error code that does not exist', () => {
  const pages = [
    { file: 'README.md', text: readFileSync(join(root, 'README.md'), 'utf8') },
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => ({ file: `docs/${f}`, text: readFileSync(join(root, 'docs', f), 'utf8') })),
    ...sources(),
  ];
  const stale = pages.flatMap(({ file, text }) => [...text.matchAll(/\bUS_ERR_\w+/g)].filter((m) => !known.has(m[0])).map((m) => `${file}: ${m[0]}`));
  assert.deepEqual(stale, []);
});
