#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { configReference } from '../config/load.ts';
import { reportFatal } from './errors.ts';
import { apiCommand } from './commands/api.ts';
import { dagCommand } from './commands/dag.ts';
import { dashboardCommand } from './commands/dashboard.ts';
import { ingestCommand } from './commands/ingest.ts';
import { pingCommand } from './commands/ping.ts';
import { statusCommand } from './commands/status.ts';
import { stackCommand } from './commands/stack.ts';
import { streamCommand } from './commands/stream.ts';
import { upCommand } from './commands/up.ts';

const program = new Command('userstream')
  .description('randomuser API → Kafka → stream engine → Cassandra, on a real local stack')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program.addCommand(upCommand());
program.addCommand(stackCommand());
program.addCommand(ingestCommand());
program.addCommand(streamCommand());
program.addCommand(apiCommand());
program.addCommand(dagCommand());
program.addCommand(statusCommand());
program.addCommand(pingCommand());
program.addCommand(dashboardCommand());
program
  .command('config')
  .description('print every setting with its flag, environment variable and default (markdown)')
  .action(() => {
    process.stdout.write(`${configReference()}\n`);
  });

const verbose = process.argv.includes('--verbose');
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version exit 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportFatal(error, verbose);
  }
}
// Drivers keep sockets and timers alive after a command is done; the command's result is final here.
process.exit(process.exitCode ?? 0);
