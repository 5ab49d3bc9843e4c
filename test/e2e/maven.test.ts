import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { type DownloadProgress, jarPath, resolveClasspath } from '../../src/stack/maven.ts';
import { stackPaths } from '../../src/stack/paths.ts';

test('a download from Maven Central reports its jars against the total the dependency tree promised', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-maven-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The real local repository (Maven's plugins are there), without this one small jar, so it must be downloaded.
  const repo = stackPaths(loadConfig({}, process.env).stackHome).mavenRepo;
  const coord = { groupId: 'net.sf.jopt-simple', artifactId: 'jopt-simple', classifier: undefined, version: '5.0.4' };
  rmSync(jarPath(repo, coord), { force: true });
  const events: DownloadProgress[] = [];
  const lib = await resolveClasspath({ dir, artifacts: ['net.sf.jopt-simple:jopt-simple:5.0.4'], repo, onProgress: (p) => events.push(p) });
  assert.ok(existsSync(join(lib, 'jopt-simple-5.0.4.jar')));
  assert.deepEqual(events[0], { jars: 0, total: 1, bytes: 0 }, 'the bar starts empty with the total known');
  const last = events.at(-1)!;
  assert.equal(last.jars, 1);
  assert.equal(last.total, 1);
  assert.ok(last.bytes > 50_000, `the jar's bytes are counted (${last.bytes})`);
});
