import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { postmasterOf } from '../../../src/stack/postgres.ts';

test('postmasterOf: the postmaster PostgreSQL records in its data folder, with the folder as the marker; nothing for another folder or no file', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'us-pg-orphan-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const data = join(home, 'pgdata');
  mkdirSync(data);
  assert.equal(postmasterOf(data), undefined, 'no postmaster.pid');
  // As PostgreSQL 15 writes it: pid, data folder, start time, port, socket folder, listen address, shmem key, status.
  writeFileSync(join(data, 'postmaster.pid'), `9548\n${data}\n1796547447\n5432\n${home}\n127.0.0.1\n  9979784         9\nready   \n`);
  assert.deepEqual(postmasterOf(data), { pid: 9548, marker: data });
  // A folder copied from another cluster names that cluster's folder: not ours to adopt.
  writeFileSync(join(data, 'postmaster.pid'), `9548\n/var/lib/postgresql/15/main\n`);
  assert.equal(postmasterOf(data), undefined);
  writeFileSync(join(data, 'postmaster.pid'), '');
  assert.equal(postmasterOf(data), undefined);
});
