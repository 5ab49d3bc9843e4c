import { Command } from 'commander';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { messageJson, peekMessages } from '../../kafka/peek.ts';
import { countArg, offsetArg } from '../args.ts';
import { configFrom, withOptions } from '../options.ts';

/**
 * `userstream peek`: a topic's messages as JSON, without Kafka's shell
 * scripts — the newest, or a few from an offset of one partition (where a
 * dead letter came from).
 */
export function peekCommand(): Command {
  return withOptions(new Command('peek'), ['kafka', 'general'])
    .description(
      'print messages of --topic as a JSON array, oldest first: partition, offset, timestamp, key, headers, size and value (JSON as JSON); ' +
        'by default its newest --limit; reads without a consumer group, so no engine\'s position moves',
    )
    .option('--limit <n>', 'how many messages', '1')
    .option('--partition <p>', 'only this partition')
    .option('--offset <o>', 'with --partition: --limit messages from this offset on (default: the partition\'s newest)')
    .action(async (opts: { limit: string; partition?: string; offset?: string }, command: Command) => {
      const { config } = configFrom(command);
      const limit = countArg('--limit', opts.limit)!;
      const partition = countArg('--partition', opts.partition, 0);
      const offset = offsetArg('--offset', opts.offset);
      if (offset !== undefined && partition === undefined) throw new UserstreamError(ErrorCodes.USAGE, '--offset needs --partition: an offset is a place in one partition');
      const messages = await peekMessages(config, config.topic, { limit, ...(partition === undefined ? {} : { partition }), ...(offset === undefined ? {} : { offset }) });
      process.stdout.write(`${JSON.stringify(messages.map((m) => messageJson(config.topic, m)), null, 2)}\n`);
    });
}
