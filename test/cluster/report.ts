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
  faults: (FaultWindow & { landedBefore: number; landedAfter: number })[];
  /** Messages the engine had committed, sampled every 2 s. */
  timeline: { at: number; landed: number }[];
}

/** One engine's cluster section of docs/RELIABILITY.md. */
export function renderCluster(r: ClusterReport): string {
  const n = (x: number) => x.toLocaleString('en');
  const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
  return [
    `Run of ${r.at.slice(0, 16).replace('T', ' ')} UTC, ${r.engine} engine on the local cluster (3 Kafka brokers at RF 3 / min ISR 2, 3 Cassandra nodes at RF 3, LOCAL_QUORUM${r.engine === 'spark' ? ', 2 Spark workers' : ''}): ${n(r.records)} records from the seeded source through the faulty API.`,
    '',
    '| fault | down | rows landed while down (rate) | detail |',
    '|---|---:|---:|---|',
    ...r.faults.map((f) => {
      const landed = f.landedAfter - f.landedBefore;
      return `| ${f.fault} | ${s(f.until - f.from)} | ${n(landed)} (${(landed / Math.max(1, (f.until - f.from) / 1000)).toFixed(0)}/s) | ${f.detail} |`;
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
    `The landed-rows timeline (messages the engine had committed, every 2 s) is in test-results/cluster-${r.engine}.json.`,
  ].join('\n');
}

export function publishClusterReport(r: ClusterReport): void {
  writeFileSync(join(ARTIFACTS, `cluster-${r.engine}.json`), `${JSON.stringify(r, null, 2)}\n`);
  writeReliabilityDoc(`cluster-${r.engine}`, renderCluster(r), 'test:cluster');
}
