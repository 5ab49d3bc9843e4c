/**
 * The ingest's result, as people and programs read it. `ingest()` returns it
 * as an `IngestProgress`; `userstream ingest` prints it as the human line
 * (`ingested N records in …`) and, with `--summary-json`, as one JSON line
 * after it, which is how `userstream up` reads the result of the Airflow
 * DAG's task (that runs `userstream ingest` as a child) from its task log.
 */
import type { IngestProgress } from './ingest.ts';

/** The key of the one JSON line: it marks the line wherever a log puts it (after a timestamp, a logger's prefix). */
const KEY = 'ingestSummary';
const FIELDS = ['accepted', 'produced', 'rejected', 'requests', 'elapsedMs'] as const satisfies readonly (keyof IngestProgress)[];

/** The human line: `ingested 1500 records in 1.2 s (1250/s) over 3 requests; 0 malformed results skipped`. */
export function formatIngestSummary(p: IngestProgress): string {
  const secs = p.elapsedMs / 1000;
  return `ingested ${p.produced} records in ${secs.toFixed(1)} s (${(p.produced / Math.max(secs, 0.001)).toFixed(0)}/s) over ${p.requests} requests; ${p.rejected} malformed results skipped`;
}

/** The JSON line (no newline): `{"ingestSummary":{"accepted":…,"produced":…,"rejected":…,"requests":…,"elapsedMs":…}}`. */
export function ingestSummaryJson(p: IngestProgress): string {
  return JSON.stringify({ [KEY]: Object.fromEntries(FIELDS.map((f) => [f, p[f]])) });
}

/**
 * The summary in the last JSON line of `text` (a task log, an ingest's
 * stdout) that `ingestSummaryJson` made, wherever on its line it starts;
 * undefined when there is none, or it does not hold every field as a number.
 */
export function parseIngestSummary(text: string): IngestProgress | undefined {
  const marker = `{"${KEY}":`;
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const at = lines[i]!.indexOf(marker);
    if (at < 0) continue;
    let value: unknown;
    try {
      value = (JSON.parse(lines[i]!.slice(at).trim()) as Record<string, unknown>)[KEY];
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const fields = value as Record<string, unknown>;
    if (!FIELDS.every((f) => typeof fields[f] === 'number' && Number.isFinite(fields[f]))) continue;
    return Object.fromEntries(FIELDS.map((f) => [f, fields[f]])) as unknown as IngestProgress;
  }
  return undefined;
}
