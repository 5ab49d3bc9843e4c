import { Command } from 'commander';
import { checkIds, readRows } from '../../cassandra/rows.ts';
import { connectCassandra } from '../../cassandra/session.ts';
import { countArg } from '../args.ts';
import { configFrom, withOptions } from '../options.ts';

/**
 * `userstream rows`: rows of the users table as JSON, without cqlsh — the
 * rows of given ids (a message's key), or the first few.
 */
export function rowsCommand(): Command {
  return withOptions(new Command('rows'), ['cassandra', 'general'])
    .description(
      'print rows of <keyspace>.<table> as a JSON array, one object per row with its columns: the rows of the --id given, in that order, or the first --limit in token order; ' +
        'exit 1 when an --id has no row (its id on stderr)',
    )
    .option('--id <uuid>', 'the row with this id, a message\'s key (repeat the flag for several)', (id: string, ids: string[]) => [...ids, id], [] as string[])
    .option('--limit <n>', 'without --id: how many rows', '10')
    .action(async (opts: { id: string[]; limit: string }, command: Command) => {
      const { config } = configFrom(command);
      const limit = countArg('--limit', opts.limit)!;
      checkIds(opts.id);
      const client = await connectCassandra(config);
      try {
        const rows = await readRows(client, config, opts.id.length > 0 ? { ids: opts.id, limit } : { limit });
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        const found = new Set(rows.map((r) => String(r.id).toLowerCase()));
        const missing = opts.id.filter((id) => !found.has(id.toLowerCase()));
        if (missing.length > 0) {
          process.stderr.write(`userstream: no row in ${config.keyspace}.${config.table} with id ${missing.join(', ')}\n`);
          process.exitCode = 1;
        }
      } finally {
        await client.shutdown();
      }
    });
}
