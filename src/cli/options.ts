import type { Command } from 'commander';
import { type Config, flagName, type OptionKey, envName, optionSpecs } from '../config/options.ts';
import { loadConfig } from '../config/load.ts';
import { createLogger } from './log.ts';

/** Adds the flags of the given option groups to a command, documented from the one config table. */
export function withOptions(command: Command, groups: string[]): Command {
  for (const [key, spec] of Object.entries(optionSpecs)) {
    if (!groups.includes(spec.group)) continue;
    if ('boolean' in spec && spec.boolean) {
      command.option(flagName(key), `${spec.doc} [${envName(key)}]`);
      continue;
    }
    const def = spec.default === undefined ? '' : ` (default: ${spec.default})`;
    command.option(`${flagName(key)} <value>`, `${spec.doc}${def} [${envName(key)}]`);
  }
  command.option('--verbose', 'print stack traces and causes of errors, and the full text behind one-line warnings');
  return command;
}

/** Config from a command's parsed flags (plus env and defaults), and a logger for it. */
export function configFrom(command: Command) {
  const flags = command.optsWithGlobals() as Record<string, unknown>;
  const input: Partial<Record<OptionKey, unknown>> = {};
  for (const key of Object.keys(optionSpecs) as OptionKey[]) if (flags[key] !== undefined) input[key] = flags[key];
  const config: Config = loadConfig(input);
  // --verbose also shows the debug lines: the full text behind a one-line warning.
  const level = flags.verbose && ['info', 'warn', 'error', 'fatal'].includes(config.logLevel) ? 'debug' : config.logLevel;
  const log = createLogger(level);
  return { config, log, flags };
}
