import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from '../support/browser.ts';
import { writeReliabilityDoc } from '../faults/report.ts';

export interface FaultWindow {
  fault: string;
  detail: string;
  /** ms since the scenario started. */
  from: number;
  until: number;
}

export interface ClusterReport {
  engine: string;
  at: string;
  records: number;
  acceptedIds: number;
  rows: number;
  lost: number;
  changed: number;
  badInjected: number;
  badMissingFromDlq: number;
  /**
   * Per fault: `written`, the rows Cassandra holds with a write time inside
   * the window (a row written again later counts at its last write, so this
   * is a floor); `landedBefore`/`landedAfter`, the messages the engine had
   * committed at its start and at its end.
   */
  faults: (FaultWindow & { written: number; landedBefore: number; landedAfter: number })[];
  /** Messages the engine had committed, sampled every 2 s. */
  timeline: { at: number; landed: number }[];
  /** Rows by the second of their last write (ms since the scenario started, rows written in that second). */
  writes: { at: number; rows: number }[];
}

/** One engine's cluster section of docs/RELIABILITY.md. */
export function renderCluster(r: ClusterReport): string {
  const n = (x: number) => x.toLocaleString('en');
  const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
  return [
    `Run of ${r.at.slice(0, 16).replace('T', ' ')} UTC, ${r.engine} engine on the local cluster (3 Kafka brokers at RF 3 / min ISR 2, 3 Cassandra nodes at RF 3, LOCAL_QUORUM${r.engine === 'spark' ? ', 2 Spark workers' : ''}): ${n(r.records)} records from the seeded source through the faulty API.`,
    '',
    '| fault | down | rows written to Cassandra while down (rate) | messages committed while down | detail |',
    '|---|---:|---:|---:|---|',
    ...r.faults.map((f) => {
      const rate = (x: number) => `${(x / Math.max(1, (f.until - f.from) / 1000)).toFixed(0)}/s`;
      return `| ${f.fault} | ${s(f.until - f.from)} | ${n(f.written)} (${rate(f.written)}) | ${n(f.landedAfter - f.landedBefore)} | ${f.detail} |`;
    }),
    '',
    '| result | count |',
    '|---|---:|',
    `| records accepted by the ingest (distinct ids) | ${n(r.acceptedIds)} |`,
    `| rows in Cassandra, read at QUORUM | ${n(r.rows)} |`,
    `| **lost** (accepted, not in Cassandra) | **${n(r.lost)}** |`,
    `| **duplicated or changed** | **${n(r.changed)}** |`,
    `| bad messages injected / in the DLQ with the right reason | ${n(r.badInjected)} / ${n(r.badInjected - r.badMissingFromDlq)} |`,
    '',
    'Rows written are counted from Cassandra after the run: the rows whose write time (`WRITETIME`, set by the writing driver) falls inside the window; a row written again later counts at its last write. ' +
      'Messages committed are the engine\'s offsets (the group\'s, or the Spark checkpoint\'s), sampled every 2 s: a commit waits on the group coordinator, so it can lag the writes.',
    '',
    `Both timelines (rows by the second of their write, commits every 2 s) are in test-results/cluster-${r.engine}.json.`,
  ].join('\n');
}

export function publishClusterReport(r: ClusterReport): void {
  writeFileSync(join(ARTIFACTS, `cluster-${r.engine}.json`), `${JSON.stringify(r, null, 2)}\n`);
  writeReliabilityDoc(`cluster-${r.engine}`, renderCluster(r), 'test:cluster-faults');
}
