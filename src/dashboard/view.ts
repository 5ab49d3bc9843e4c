/**
 * The pure helpers of the dashboard page's script: the throughput chart's
 * scales and the names it shows. page.ts inlines their source
 * (Function.prototype.toString), so the browser runs the very functions the
 * unit tests call. Hence each is a self-contained function declaration: no
 * imports, no closures, only what a browser's JavaScript has, and calls to
 * nothing but each other.
 */

/** One tick of an axis: where it sits (0 = bottom or left, 1 = top or right) and its text. */
export interface Tick {
  at: number;
  label: string;
}

/**
 * Round values for a y axis from 0 up to at least `max`: a step of 1, 2 or 5
 * × 10^k (never below 1: the rates are whole records/s), about `intervals`
 * of them. An idle chart (max 0) still gets a scale, 0 to 1.
 */
export function valueTicks(max: number, intervals = 4): number[] {
  const m = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = m / intervals;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = Math.max(1, [1, 2, 5, 10].map((k) => k * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  const count = Math.ceil(m / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}

/** A tick's number, short: 250, 1.5k, 20k, 1.2M. */
export function shortNumber(v: number): string {
  const [unit, suffix] = v >= 1e6 ? [1e6, 'M'] : v >= 1e3 ? [1e3, 'k'] : [1, ''];
  return String(Math.round((v / unit) * 10) / 10) + suffix;
}

/**
 * The ticks of a time axis over the last `span` seconds, oldest first: a round
 * step (at most `intervals` of them: fewer on a narrow screen), labelled back
 * from now ("−1 min", "−45 s", …, "now"), each at its place from the left.
 */
export function timeTicks(span: number, intervals = 4): Tick[] {
  const most = Math.max(1, intervals);
  const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => span / s <= most) ?? Math.ceil(span / most / 3600) * 3600;
  const ticks: Tick[] = [];
  for (let t = 0; t <= span; t += step) {
    ticks.push({ at: (span - t) / span, label: t === 0 ? 'now' : t % 60 === 0 ? `−${t / 60} min` : `−${t} s` });
  }
  return ticks.reverse();
}

/** What the page draws of the ingest rate: the line in a 1000 × 100 box (the SVG's viewBox), and both axes. */
export interface RateChart {
  /** The polyline's points, "x,y x,y …", y down from the top as SVG has it. */
  points: string;
  /** The y axis: round values from 0 to the top of the scale (records/s). */
  values: (Tick & { value: number })[];
  /** The x axis: seconds back from now. */
  times: Tick[];
  /** Seconds the chart spans. */
  span: number;
  peak: number;
}

/**
 * The chart of recent ingest rates, one a second, oldest first (the
 * snapshot's rateHistory): the newest at the right edge (now), spanning at
 * least a minute (a shorter history starts partway), the y scale from 0 to a
 * round value at or above the peak; at most `timeIntervals` on the time axis.
 */
export function rateChart(history: number[], timeIntervals = 4): RateChart {
  const width = 1000;
  const height = 100;
  const n = history.length;
  const span = Math.max(60, n);
  const peak = n === 0 ? 0 : Math.max(...history);
  const values = valueTicks(peak);
  const top = values[values.length - 1]!;
  const round = (v: number) => String(Math.round(v * 100) / 100);
  const points = history
    .map((v, i) => `${round(((span - (n - 1 - i)) / span) * width)},${round(height - (Math.max(0, v) / top) * height)}`)
    .join(' ');
  return {
    points,
    values: values.map((value) => ({ value, at: value / top, label: shortNumber(value) })),
    times: timeTicks(span, timeIntervals),
    span,
    peak,
  };
}

/**
 * How the page names a Spark worker: by its host:port, once. The master's id
 * for it (worker-<started>-<host>-<port>) only repeats that address, so it is
 * shown only when it says something else; when the address is unknown the
 * id's own host and port stand in.
 */
export function workerName(id: string, address: string): string {
  const m = /^worker-\d+-(.+)-(\d+)$/.exec(id);
  const embedded = m ? `${m[1]}:${m[2]}` : undefined;
  if (address.includes('?')) return embedded ?? id;
  return embedded === address ? address : `${address} (${id})`;
}

/**
 * A long name or path cut after each / and _ (the page joins the pieces with
 * <wbr>), so it wraps at its separators instead of running out of its box.
 */
export function breakAfterSeparators(text: string): string[] {
  return text.split(/(?<=[/_])/);
}
