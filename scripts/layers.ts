/**
 * The layers of src/, from the bottom, and the ESLint rule that holds the
 * code to them (`userstream/layers`, on in eslint.config.js, so `npm test`'s
 * lint stage fails on a break). docs/architecture.md says what each layer
 * holds.
 *
 * A unit is a folder or a file directly under src/; `x/*` makes each file or
 * folder in x a unit of its own (each CLI command). A file belongs to the
 * unit with the longest path that holds it. A unit imports only from units
 * of lower layers: two units of one layer sit side by side and do not import
 * each other. Every import between units thus goes down, so no circle between
 * folders can pass. Imports inside a unit are free.
 */
import { dirname, relative, resolve, sep } from 'node:path';
import type { Rule } from 'eslint';

export interface Layer {
  name: string;
  units: readonly string[];
}

export const LAYERS: readonly Layer[] = [
  { name: 'errors', units: ['errors.ts'] },
  { name: 'retry', units: ['retry.ts'] },
  { name: 'config', units: ['config'] },
  { name: 'metrics', units: ['metrics'] },
  { name: 'source', units: ['source'] },
  { name: 'record', units: ['record'] },
  { name: 'clients', units: ['kafka', 'cassandra', 'registry', 'spark-connect', 'airflow'] },
  { name: 'views', units: ['dlq', 'cluster', 'health.ts'] },
  { name: 'pipeline and stack', units: ['ingest', 'engines', 'stack'] },
  { name: 'tools', units: ['dashboard', 'bench'] },
  { name: 'cli', units: ['cli'] },
  { name: 'commands', units: ['cli/commands/*'] },
  { name: 'main', units: ['cli/main.ts'] },
];

const SRC = resolve(import.meta.dirname, '..', 'src');

export interface Place {
  /** The unit's path under src/ (`kafka`, `health.ts`, `cli/commands/up.ts`). */
  unit: string;
  /** Its layer's index in LAYERS, 0 at the bottom. */
  layer: number;
}

/** The unit and layer of a path under src/ (relative, with `/`); undefined when no layer holds it. */
export function placeOf(path: string, layers: readonly Layer[] = LAYERS): Place | undefined {
  let best: (Place & { length: number }) | undefined;
  for (const [layer, l] of layers.entries()) {
    for (const u of l.units) {
      let found: (Place & { length: number }) | undefined;
      if (u.endsWith('/*')) {
        const dir = u.slice(0, -2);
        if (path.startsWith(`${dir}/`)) found = { unit: `${dir}/${path.slice(dir.length + 1).split('/')[0]}`, layer, length: dir.length + 1 };
      } else if (path === u || path.startsWith(`${u}/`)) {
        found = { unit: u, layer, length: u.length };
      }
      if (found && (!best || found.length > best.length)) best = found;
    }
  }
  return best && { unit: best.unit, layer: best.layer };
}

/** Why an import from one place to another breaks the layers, or undefined when it does not. */
export function breach(from: Place, to: Place, layers: readonly Layer[] = LAYERS): string | undefined {
  if (from.unit === to.unit || to.layer < from.layer) return undefined;
  const named = (p: Place) => `${p.unit} (layer ${p.layer + 1}, ${layers[p.layer]!.name})`;
  if (to.layer > from.layer) {
    return `${named(from)} may not import ${named(to)}, a higher layer: move what both need down (docs/architecture.md)`;
  }
  if (from.unit.startsWith('cli/commands/')) {
    return `a command may not import another command (${from.unit} imports ${to.unit}): move what both need into a module of src/cli`;
  }
  return `${from.unit} and ${to.unit} sit side by side in layer ${from.layer + 1} (${layers[from.layer]!.name}) and may not import each other: move what both need down (docs/architecture.md)`;
}

const posix = (p: string) => p.split(sep).join('/');

const rule: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'src/ imports only from lower layers (scripts/layers.ts, docs/architecture.md)' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const here = posix(relative(SRC, file));
    if (here.startsWith('../') || here === '..' || here.startsWith('/')) return {};
    const from = placeOf(here);
    const check = (source: unknown, node: Rule.Node) => {
      if (!from || typeof source !== 'string' || !source.startsWith('.')) return;
      const target = posix(relative(SRC, resolve(dirname(file), source)));
      if (target.startsWith('../')) return;
      const to = placeOf(target);
      const why = to ? breach(from, to) : `src/${target} is in no layer: add its folder to LAYERS in scripts/layers.ts and to docs/architecture.md`;
      if (why) context.report({ node, message: `src/${here} imports '${source}': ${why}` });
    };
    return {
      Program(node) {
        if (!from) context.report({ node, message: `src/${here} is in no layer: add its folder to LAYERS in scripts/layers.ts and to docs/architecture.md` });
      },
      ImportDeclaration: (node) => check(node.source.value, node),
      ExportNamedDeclaration: (node) => check(node.source?.value, node),
      ExportAllDeclaration: (node) => check(node.source.value, node),
      ImportExpression: (node) => check(node.source.type === 'Literal' ? node.source.value : undefined, node),
    };
  },
};

export const layersPlugin = { rules: { layers: rule } };
