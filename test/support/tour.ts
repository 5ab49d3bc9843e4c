/**
 * docs/tour.md as steps a test can run, and the check that a command printed
 * what the page shows.
 *
 * The page's `console` blocks: a line `$ <command>` is a command, the lines
 * under it (up to the next `$ ` line) what it prints. A command ending in
 * `# terminal 2` runs until Ctrl-C. A block with no `$ ` line is more of
 * what terminal 2 prints; when it starts with `^C`, it is what terminal 2
 * prints once stopped.
 */

export type TourStep =
  /** A command run to its end in terminal 1. */
  | { kind: 'run'; command: string; expected: string }
  /** A command started in terminal 2, which runs until a `stop`. */
  | { kind: 'start'; command: string; expected: string }
  /** More of what terminal 2 prints; with `stop`, after Ctrl-C. */
  | { kind: 'more'; expected: string; stop: boolean };

const TERMINAL_2 = /\s+#\s*terminal 2\s*$/;

export function parseTour(markdown: string): TourStep[] {
  const steps: TourStep[] = [];
  for (const block of markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    const lines = block[1]!.replace(/\n$/, '').split('\n');
    if (!lines.some((l) => l.startsWith('$ '))) {
      const stop = lines[0]!.startsWith('^C');
      steps.push({ kind: 'more', expected: lines.join('\n').replace(/^\^C/, ''), stop });
      continue;
    }
    if (!lines[0]!.startsWith('$ ')) throw new Error(`a console block has output before its first command: ${lines[0]}`);
    for (const line of lines) {
      if (line.startsWith('$ ')) {
        const text = line.slice(2);
        steps.push(TERMINAL_2.test(text) ? { kind: 'start', command: text.replace(TERMINAL_2, ''), expected: '' } : { kind: 'run', command: text.trim(), expected: '' });
      } else {
        const step = steps.at(-1) as { expected: string };
        step.expected = step.expected === '' ? line : `${step.expected}\n${line}`;
      }
    }
  }
  return steps;
}

/** Where the page left something out. */
export const ELIDED = '…';

/** Output as compared: every number is 0 (offsets, times, counts differ run to run) and every run of spaces one space (tables widen). */
export function normalise(text: string): string {
  return text.replace(/\d+/g, '0').replace(/\s+/g, ' ').trim();
}

/**
 * Why `actual` is not what the page shows as `expected`, or undefined when it
 * is: every piece of `expected` between two `…` is in `actual`, in order,
 * with numbers and spacing normalised; the first piece starts it and the
 * last ends it unless the page elides there. `open`: more output may still
 * come (a command still running), so the end is not checked.
 */
export function outputMismatch(expected: string, actual: string, options: { open?: boolean } = {}): string | undefined {
  const pieces = normalise(expected).split(ELIDED).map((p) => p.trim());
  const text = normalise(actual);
  let pos = 0;
  for (const [i, piece] of pieces.entries()) {
    if (piece === '') continue;
    const at = i === 0 ? (text.startsWith(piece) ? 0 : -1) : text.indexOf(piece, pos);
    if (at < 0) return `${i === 0 ? 'it does not start as shown' : 'it does not go on as shown'}: ${divergence(piece, text, pos, i === 0)}`;
    pos = at + piece.length;
  }
  if (!options.open && pieces.at(-1) !== '' && pos !== text.length) return `it goes on after the last line shown: ${JSON.stringify(text.slice(pos, pos + 200).trim())}`;
  return undefined;
}

/**
 * Where a piece the page shows and the output part: the longest start of
 * the piece found (at `from` when `anchored`, else anywhere after it), and
 * what each has after it.
 */
function divergence(piece: string, text: string, from: number, anchored: boolean): string {
  const find = (n: number) => (anchored ? (text.startsWith(piece.slice(0, n), from) ? from : -1) : text.indexOf(piece.slice(0, n), from));
  let [lo, hi, at] = [0, piece.length, from];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const i = find(mid);
    if (i >= 0) [lo, at] = [mid, i];
    else hi = mid - 1;
  }
  return `after ${JSON.stringify(piece.slice(Math.max(0, lo - 60), lo))} the page shows ${JSON.stringify(piece.slice(lo, lo + 80))} and the output ${JSON.stringify(text.slice(at + lo, at + lo + 80))}`;
}
