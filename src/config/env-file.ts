import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { envName, optionSpecs, OTHER_ENV } from './options.ts';

const KNOWN = new Set([...Object.keys(optionSpecs).map(envName), ...Object.keys(OTHER_ENV)]);

/**
 * `--env-file <path>`: USERSTREAM_* settings from a file of NAME=value
 * lines (dotenv syntax), for what should not be typed as flags (passwords).
 * A variable already in the environment wins, as do flags; lines that are
 * not USERSTREAM_* are left alone; an unknown USERSTREAM_* name is an error
 * (a typo would otherwise be ignored). Returns the names it set.
 */
export function applyEnvFile(path: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserstreamError(ErrorCodes.CONFIG, `cannot read --env-file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (!name.startsWith('USERSTREAM_')) continue;
    if (!KNOWN.has(name)) throw new UserstreamError(ErrorCodes.CONFIG, `--env-file ${path}: unknown setting ${name} (userstream config lists them all)`);
    if (env[name] !== undefined && env[name] !== '') continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
