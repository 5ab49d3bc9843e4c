/**
 * A node:test reporter for `scripts/test.ts`: one JSON line per finished test
 * and one for the run's summary, so the runner can time the stages and name
 * the slowest tests. It runs beside the spec reporter (each with its own
 * --test-reporter-destination), so what the terminal and CI see is unchanged.
 *
 * Event shapes: https://nodejs.org/docs/latest-v24.x/api/test.html#event-testpass
 * (`test:pass`, `test:fail`) and #event-testsummary.
 */
import { relative } from 'node:path';
import type { TestEvent } from 'node:test/reporters';
import type { ReportLine, SummaryCounts, TestStatus } from './test-timings.ts';

type Finished = Extract<TestEvent, { type: 'test:pass' | 'test:fail' }>['data'];

/** Node counts a skipped or todo test apart whatever its outcome (a failing todo does not fail the run). */
function statusOf(failed: boolean, data: Finished): TestStatus {
  if (data.skip !== undefined && data.skip !== false) return 'skipped';
  if (data.todo !== undefined && data.todo !== false) return 'todo';
  return failed ? 'failed' : 'passed';
}

function testLine(failed: boolean, data: Finished): ReportLine {
  return {
    event: 'test',
    name: data.name,
    // Absent for a test run through `run()` from a string; relative keeps the table readable.
    file: data.file ? relative(process.cwd(), data.file) : '',
    nesting: data.nesting,
    duration_ms: data.details.duration_ms,
    status: statusOf(failed, data),
    ...(data.details.type === 'suite' ? { suite: true } : {}),
  };
}

export default async function* timingsReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      yield `${JSON.stringify(testLine(event.type === 'test:fail', event.data))}\n`;
    } else if (event.type === 'test:summary' && event.data.file === undefined) {
      // Each test file's process sends its own summary (with `file`); the one without
      // `file` is the whole run's, from the counters the spec reporter's `ℹ` lines print.
      const { counts, duration_ms, success } = event.data;
      // @types/node leaves out `counts.failed`, which node sends (see the docs above).
      const line: ReportLine = { event: 'summary', counts: counts as SummaryCounts, duration_ms, success };
      yield `${JSON.stringify(line)}\n`;
    }
  }
}
