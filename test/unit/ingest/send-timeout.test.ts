import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingest, type IngestConfig } from '../../../src/ingest/ingest.ts';
import type { RecordProducer } from '../../../src/kafka/producer.ts';
import { BuiltinUserSource } from '../../../src/source/open.ts';

const config: IngestConfig = {
  kafkaBrokers: ['127.0.0.1:1'], topic: 't', duration: 60, count: 10, batchSize: 10, rate: undefined, seed: 's', nat: undefined, sendTimeout: 0.3,
};

/**
 * A producer whose sends do what `answer` says for each attempt: 'hang' is a
 * send the client keeps retrying (it ends only when the producer is closed,
 * with an error, or acknowledged if `ackOnClose`), 'fail' a retryable
 * failure, 'ok' an acknowledgement.
 */
function fakeProducer(answers: ('hang' | 'fail' | 'ok')[], ackOnClose = false) {
  const calls = { sends: 0, closes: 0 };
  const hanging: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const producer = {
    send: () => {
      const answer = answers[Math.min(calls.sends++, answers.length - 1)];
      if (answer === 'ok') return Promise.resolve({});
      if (answer === 'fail') return Promise.reject(new Error('Received response with error while executing API Produce(v11): The request timed out'));
      return new Promise<void>((resolve, reject) => hanging.push({ resolve, reject }));
    },
    close: async () => {
      calls.closes++;
      for (const h of hanging.splice(0)) {
        if (ackOnClose) h.resolve();
        else h.reject(new Error('Client closed while retrying produce'));
      }
    },
  } as unknown as RecordProducer;
  return { producer, calls };
}

test('--send-timeout holds while one send is still retrying inside the client: the producer is closed, one line says what was not acknowledged', { timeout: 10_000 }, async () => {
  const { producer, calls } = fakeProducer(['hang']);
  await assert.rejects(ingest({ config, source: new BuiltinUserSource(), producer }), (error: Error) => {
    assert.match(error.message, /^producing 10 records to t on Kafka 127\.0\.0\.1:1: no acknowledgement \(gave up after 0\.3 s; 10 accepted records of this batch were not acknowledged\)$/);
    return true;
  });
  assert.equal(calls.sends, 1);
  assert.equal(calls.closes, 1, 'closing the producer is what ends a send the client keeps retrying');
});

test('retryable failures are sent again until one is acknowledged', { timeout: 10_000 }, async () => {
  const { producer, calls } = fakeProducer(['fail', 'ok']);
  const progress = await ingest({ config: { ...config, sendTimeout: 30 }, source: new BuiltinUserSource(), producer });
  assert.equal(progress.produced, 10);
  assert.equal(calls.sends, 2);
  assert.equal(calls.closes, 0);
});

test('failures past the deadline give up with the last reason', { timeout: 10_000 }, async () => {
  const { producer } = fakeProducer(['fail']);
  await assert.rejects(ingest({ config, source: new BuiltinUserSource(), producer }), /The request timed out \(gave up after 0\.3 s; 10 accepted records of this batch were not acknowledged\)$/);
});

test('a send acknowledged as the time ran out counts as produced', { timeout: 10_000 }, async () => {
  const { producer } = fakeProducer(['hang'], true);
  const progress = await ingest({ config, source: new BuiltinUserSource(), producer });
  assert.equal(progress.produced, 10);
});
