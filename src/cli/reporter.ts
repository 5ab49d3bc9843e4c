import type { StackReporter } from '../stack/supervisor.ts';

/**
 * Progress of parallel service start-ups. On a terminal, one live line per
 * service redrawn in place; elsewhere (CI, pipes) a plain line per change of
 * state, never more than one per second per service for download counters.
 */
export function createReporter(stream: NodeJS.WriteStream = process.stderr): StackReporter & { close(): void } {
  if (!stream.isTTY) {
    const last = new Map<string, { text: string; at: number }>();
    const print = (service: string, text: string, force: boolean) => {
      const prev = last.get(service);
      // Counters and bars change all the time: the same kind of line at most every 5 s.
      const kind = text.replace(/\[[#-]+\]/g, '[bar]').replace(/[\d.]+/g, '#');
      if (!force && prev && prev.text === kind && Date.now() - prev.at < 5000) return;
      last.set(service, { text: kind, at: Date.now() });
      stream.write(`${service}: ${text}\n`);
    };
    return { update: (s, t) => print(s, t, false), done: (s, t) => print(s, t, true), close() {} };
  }
  const lines = new Map<string, string>();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  const finished = new Set<string>();
  let frame = 0;
  let drawn = 0;
  const draw = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    for (const [service, text] of lines) {
      const mark = finished.has(service) ? '\x1b[32m✔\x1b[0m' : frames[frame % frames.length];
      stream.write(`\x1b[2K${mark} ${service.padEnd(10)} ${text}\n`);
    }
    drawn = lines.size;
  };
  const timer = setInterval(() => {
    frame++;
    draw();
  }, 100);
  timer.unref();
  return {
    update(service, text) {
      lines.set(service, text);
      draw();
    },
    done(service, text) {
      finished.add(service);
      lines.set(service, text);
      draw();
    },
    close() {
      clearInterval(timer);
      draw();
    },
  };
}
