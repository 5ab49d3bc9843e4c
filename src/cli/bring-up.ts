/** Starting services of the local stack from the command line: `userstream stack up` and `userstream up` both do it. */
import type { Config } from '../config/options.ts';
import { stackServices } from '../stack/index.ts';
import { stackPaths } from '../stack/paths.ts';
import { stackUp } from '../stack/supervisor.ts';
import { createReporter } from './reporter.ts';

/**
 * Starts the named services (all: none named) with live progress lines; a
 * running service that holds sessions to one started afresh is restarted,
 * and `warn` gets a line saying so once the progress lines are done.
 */
export async function bringUp(config: Config, names: string[], warn: (line: string) => void): Promise<void> {
  const reporter = createReporter();
  const notes: string[] = [];
  try {
    await stackUp(stackServices(config, names), stackPaths(config.stackHome), {
      javaHome: config.javaHome,
      reporter,
      others: stackServices(config),
      warn: (line) => notes.push(line),
    });
  } finally {
    reporter.close();
    for (const line of notes) warn(line);
  }
}
