#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { applyEnvFile } from '../config/env-file.ts';
import { configReference } from '../config/load.ts';
import { reportFatal } from './errors.ts';
import { apiCommand } from './commands/api.ts';
import { dagCommand } from './commands/dag.ts';
import { dashboardCommand } from './commands/dashboard.ts';
import { dlqCommand } from './commands/dlq.ts';
import { ingestCommand } from './commands/ingest.ts';
import { peekCommand } from './commands/peek.ts';
import { pingCommand } from './commands/ping.ts';
import { rowsCommand } from './commands/rows.ts';
import { schemaCommand } from './commands/schema.ts';
import { statusCommand } from './commands/status.ts';
import { stackCommand } from './commands/stack.ts';
import { streamCommand } from './commands/stream.ts';
import { upCommand } from './commands/up.ts';

const program = new Command('userstream')
  .description('randomuser API → Kafka → stream engine → Cassandra, on a real local stack')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .option('--env-file <path>', 'read USERSTREAM_* settings from this file (NAME=value lines; the environment and flags win), e.g. <stack-home>/secrets/client.env')
  .addHelpText('after', '\nThe data at each hop, one command each (api, peek, schema, status, rows, dlq): docs/tour.md')
  .exitOverride()
  .hook('preAction', (_program, action) => {
    const file = action.optsWithGlobals<{ envFile?: string }>().envFile;
    if (file) applyEnvFile(file);
  });

program.addCommand(upCommand());
program.addCommand(stackCommand());
program.addCommand(ingestCommand());
program.addCommand(streamCommand());
program.addCommand(apiCommand());
program.addCommand(dagCommand());
program.addCommand(statusCommand());
program.addCommand(peekCommand());
program.addCommand(rowsCommand());
program.addCommand(pingCommand());
program.addCommand(dashboardCommand());
program.addCommand(schemaCommand());
program.addCommand(dlqCommand());
program
  .command('config')
  .description('print every setting with its flag, environment variable and default (markdown)')
  .action(() => {
    process.stdout.write(`${configReference()}\n`);
  });

// Subcommands do not inherit these: a bad flag anywhere is a CommanderError here (exit 2), not an exit inside Commander.
const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
for (const c of everyCommand(program)) c.exitOverride().showHelpAfterError('(run with --help for usage)');

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
