import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from '../support/browser.ts';
import type { Reconciliation } from './support.ts';

export interface FaultReport {
  engine: string;
  /** Who ran what, when it is not just the engine (the Airflow scenario). */
  label?: string;
  at: string;
  records: number;
  acceptedIds: number;
  auditLines: number;
  rows: number;
  lost: number;
  unexpected: number;
  changed: number;
  deadLettered: number;
  badInjected: number;
  badMissingFromDlq: number;
  api: Record<string, number>;
  injected: { fault: string; detail: string; count: number; at: string }[];
}

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'RELIABILITY.md');

/** One engine's section of docs/RELIABILITY.md, from one run of the suite. */
export function renderReliability(r: FaultReport): string {
  const n = (x: number) => x.toLocaleString('en');
  const apiFaults = Object.entries(r.api).filter(([k]) => k !== 'ok');
  const rows = [
    '| fault | injected | detail |',
    '|---|---:|---|',
    `| API 500 / 503 | ${n((r.api['500'] ?? 0) + (r.api['503'] ?? 0))} | answered instead of users; the client retries with backoff |`,
    `| API 429 | ${n(r.api['429'] ?? 0)} | with \`Retry-After: 1\` |`,
    `| API timeout | ${n(r.api.hang ?? 0)} | no answer; the client gives up after 15 s and asks again |`,
    `| API truncated body | ${n(r.api.truncate ?? 0)} | half the promised bytes, then the connection drops |`,
    ...summarise(r.injected).map(([fault, count, detail]) => `| ${fault} | ${count} | ${detail} |`),
  ];
  return [
    `Run of ${r.at.slice(0, 16).replace('T', ' ')} UTC, ${r.label ?? `${r.engine} engine`}: ${n(r.records)} records from the seeded source (${n(r.api.ok ?? 0)} good API answers, ${n(apiFaults.reduce((s, [, v]) => s + v, 0))} injected failures).`,
    '',
    ...rows,
    '',
    '| result | count |',
    '|---|---:|',
    `| records accepted by the ingest (distinct ids; ${n(r.auditLines)} acknowledgements with the replay) | ${n(r.acceptedIds)} |`,
    `| rows in Cassandra | ${n(r.rows)} |`,
    `| **lost** (accepted, not in Cassandra) | **${n(r.lost)}** |`,
    `| **duplicated or changed** (rows not accepted, or differing from what the source sent) | **${n(r.unexpected + r.changed)}** |`,
    `| bad messages injected / in the DLQ with the right reason | ${n(r.badInjected)} / ${n(r.badInjected - r.badMissingFromDlq)} |`,
  ].join('\n');
}

function summarise(injected: FaultReport['injected']): [string, number, string][] {
  const out = new Map<string, { count: number; details: string[] }>();
  for (const i of injected) {
    const e = out.get(i.fault) ?? { count: 0, details: [] };
    e.count += i.count;
    e.details.push(i.detail);
    out.set(i.fault, e);
  }
  return [...out.entries()].map(([fault, e]) => [fault, e.count, e.details.join('; ')]);
}

/** Replaces the engine's section of docs/RELIABILITY.md (between its markers). */
export function writeReliabilityDoc(engine: string, body: string, script = 'test:faults'): void {
  const begin = `<!-- faults:${engine}:begin (written by npm run ${script}) -->`;
  const end = `<!-- faults:${engine}:end -->`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Reliability\n';
  const s = doc.indexOf(begin);
  const e = doc.indexOf(end);
  const next = s === -1 || e === -1 || e < s ? `${doc.trimEnd()}\n\n${begin}\n${body}\n${end}\n` : `${doc.slice(0, s + begin.length)}\n${body}\n${doc.slice(e)}`;
  writeFileSync(DOC, next);
}

/** The counts of a reconciliation, as a report holds them. */
export function reconciliationCounts(r: Reconciliation): Pick<FaultReport, 'acceptedIds' | 'auditLines' | 'rows' | 'lost' | 'unexpected' | 'changed'> {
  return { acceptedIds: r.acceptedIds.size, auditLines: r.auditLines, rows: r.rows, lost: r.lost.length, unexpected: r.unexpected.length, changed: r.changed.length };
}

/** test-results/faults-<name>.json and the <name> section of docs/RELIABILITY.md. */
export function publishReport(name: string, report: FaultReport): void {
  writeFileSync(join(ARTIFACTS, `faults-${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeReliabilityDoc(name, renderReliability(report));
}
