import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UvProgress } from '../../../src/stack/uv.ts';

// Lines of a real `uv pip install -vv apache-airflow==3.3.2 …` (uv 0.13.9), abridged.
const RUN = `Using Python 3.11.7 environment at: venv
DEBUG Adding direct dependency: apache-airflow>=3.3.2, <3.3.2+
Resolved 3 packages in 2.04s
DEBUG Identified uncached distribution: six==1.17.0
Downloading babel (9.7MiB)
TRACE Released lock at \`/cache/uv/wheels-v8/pypi/six/1.17.0-py2.py3-none-any.lock\`
TRACE Released lock at \`/cache/uv/.lock\`
 Downloaded babel
TRACE Released lock at \`/cache/uv/wheels-v8/pypi/babel/2.18.0-py3-none-any.lock\`
Prepared 3 packages in 1.44s
TRACE Writing record name=PackageName("six")
TRACE Writing record name=PackageName("babel")
Installed 3 packages in 136ms
 + babel==2.18.0`;

test('uv progress: resolving, then a bar over the resolved total while downloading and installing, then done', () => {
  const p = new UvProgress();
  const seen: string[] = [];
  for (const line of RUN.split('\n')) if (p.feed(line)) seen.push(p.describe('apache-airflow 3.3.2'));
  assert.equal(new UvProgress().describe('x'), 'resolving x from PyPI');
  assert.deepEqual(seen, [
    'downloading apache-airflow 3.3.2 from PyPI [--------------------] 0/3 packages',
    'downloading apache-airflow 3.3.2 from PyPI [#######-------------] 1/3 packages',
    'downloading apache-airflow 3.3.2 from PyPI [#############-------] 2/3 packages',
    'installing apache-airflow 3.3.2 [--------------------] 0/3 packages',
    'installing apache-airflow 3.3.2 [#######-------------] 1/3 packages',
    'installing apache-airflow 3.3.2 [#############-------] 2/3 packages',
    'installed apache-airflow 3.3.2: 3 packages',
  ]);
});

test('uv progress: everything already in the cache goes from resolved to done', () => {
  const p = new UvProgress();
  for (const line of ['Resolved 135 packages in 0.2s', 'Audited 135 packages in 5ms']) p.feed(line);
  assert.deepEqual(p.state, { phase: 'done', total: 135, prepared: 135, installed: 135 });
});

test('uv progress: more lock lines than packages never pass the total', () => {
  const p = new UvProgress();
  p.feed('Resolved 1 package in 0.1s');
  for (let i = 0; i < 3; i++) p.feed('TRACE Released lock at `/c/wheels-v8/pypi/x/1.lock`');
  assert.equal(p.state.prepared, 1);
});
