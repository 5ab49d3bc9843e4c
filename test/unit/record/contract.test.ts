import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecord } from '../../../src/record/record.ts';
import { readWire, WIRE_SLOTS } from '../../../src/record/wire.ts';
import { jsonPayload } from '../../../src/record/record.ts';
import { contractCases, rowOf } from '../../support/contract-cases.ts';

// The same table runs through both engines on the real stack (test/integration/contract.test.ts).
for (const c of contractCases()) {
  test(`contract: ${c.name}`, () => {
    const parsed = parseRecord(c.value);
    if ('row' in c.expect) {
      assert.ok(parsed.ok, parsed.ok ? '' : `rejected: ${parsed.reason}`);
      assert.deepEqual(rowOf(parsed.record), c.expect.row);
    } else {
      assert.equal(parsed.ok ? 'accepted' : parsed.reason, c.expect.reason);
      // The node engine's fast path never takes what the contract refuses.
      assert.equal(readWire(jsonPayload(c.value), new Uint32Array(WIRE_SLOTS), 0), undefined);
    }
  });
}
