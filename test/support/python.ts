import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { stackPaths } from '../../src/stack/paths.ts';
import { createVenv, ensureUv, uvInstall } from '../../src/stack/uv.ts';

/**
 * A virtualenv in the stack's cache with these PyPI packages, made once
 * (uv, as for Airflow): for tests that drive a client nobody here wrote.
 * Returns its python.
 */
export async function pythonWith(name: string, packages: string[]): Promise<string> {
  const config = loadConfig({}, process.env);
  const paths = stackPaths(resolve(config.stackHome));
  const venv = join(paths.cache, 'tools', name);
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.installed');
  const wanted = packages.join('\n');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return python;
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  const uv = await ensureUv(config.python, paths.cache, () => {});
  await createVenv(config.python, venv, { withoutPip: true });
  await uvInstall({ uv, python, packages, cacheDir: join(paths.cache, 'uv'), what: name, report: () => {} });
  writeFileSync(marker, wanted);
  return python;
}
