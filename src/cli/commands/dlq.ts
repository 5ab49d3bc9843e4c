import { isUtf8 } from 'node:buffer';
import { Command } from 'commander';
import { type DeadLetterEntry, byReason, readDeadLetters, replayDeadLetters, replayTag, selectForReplay } from '../../dlq/dead-letters.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { offsetArg } from '../args.ts';
import { configFrom, withOptions } from '../options.ts';
import { printTable } from '../table.ts';

/** A message value for a terminal: its text when it is UTF-8 (cut to `max`), else its size and first bytes in hex. */
function shown(value: Buffer | null, max = 60): string {
  if (value === null || value.length === 0) return '(empty)';
  if (!isUtf8(value) || value.includes(0)) return `${value.length} bytes, not text: ${value.subarray(0, 16).toString('hex')}${value.length > 16 ? '…' : ''}`;
  const text = value.toString('utf8').replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function entryJson(e: DeadLetterEntry) {
  return {
    partition: e.partition,
    offset: String(e.offset),
    timestamp: new Date(Number(e.timestamp)).toISOString(),
    reason: e.reason,
    source: e.source && { ...e.source, offset: String(e.source.offset), timestamp: new Date(Number(e.source.timestamp)).toISOString() },
    replayOf: e.replayOf ?? null,
    key: e.key?.toString('utf8') ?? null,
    value: e.value === null ? null : isUtf8(e.value) ? e.value.toString('utf8') : { base64: e.value.toString('base64') },
    bytes: e.value?.length ?? 0,
  };
}

/**
 * `userstream dlq list|show|replay`: the dead-letter topic without a Kafka
 * tool — what is in it and why, one dead letter whole, and the chosen ones
 * sent back to their topic once the cause is fixed.
 */
export function dlqCommand(): Command {
  const dlq = new Command('dlq').description('the dead-letter topic (<topic>.dlq): list by reason, show one, replay them to their source topic');

  withOptions(dlq.command('list'), ['kafka', 'general'])
    .description('dead letters by reason: how many, the first and last offset, one example each')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const entries = await readDeadLetters(config);
      const groups = byReason(entries);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ topic: config.dlqTopic, total: entries.length, reasons: groups.map((g) => ({ reason: g.reason, count: g.count, replayed: g.replayed, first: String(g.first), last: String(g.last), example: entryJson(g.example) })) }, null, 2)}\n`,
        );
        return;
      }
      if (entries.length === 0) {
        process.stdout.write(`${config.dlqTopic}: no dead letters\n`);
        return;
      }
      printTable(
        ['count', 'reason', 'first', 'last', 'example'],
        groups.map((g) => [String(g.count) + (g.replayed > 0 ? ` (${g.replayed} replayed)` : ''), g.reason, String(g.first), String(g.last), shown(g.example.value, 40)]),
      );
      process.stdout.write(`${config.dlqTopic}: ${entries.length} dead letters; userstream dlq show <offset> for one, userstream dlq replay to send them back\n`);
    });

  withOptions(dlq.command('show').argument('<offset>', 'the dead letter\'s offset in the DLQ'), ['kafka', 'general'])
    .description('one dead letter: why, where it came from, its key and its value')
    .option('--json', 'print JSON')
    .action(async (offset: string, opts: { json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const at = offsetArg('offset', offset)!;
      const [entry] = await readDeadLetters(config, { from: at, to: at });
      if (!entry || entry.offset !== at) throw new UserstreamError(ErrorCodes.USAGE, `${config.dlqTopic} has no dead letter at offset ${offset}`);
      const j = entryJson(entry);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(j, null, 2)}\n`);
        return;
      }
      const lines = [
        `${config.dlqTopic} offset ${j.offset} (partition ${j.partition}), dead-lettered ${j.timestamp}`,
        `reason   ${j.reason}`,
        `from     ${j.source ? `${j.source.topic} partition ${j.source.partition} offset ${j.source.offset}, produced ${j.source.timestamp}` : '(no source headers)'}`,
        ...(j.replayOf ? [`replay   of ${j.replayOf}, refused again`] : []),
        `key      ${j.key ?? '(none)'}`,
        `value    ${j.bytes} bytes`,
        typeof j.value === 'string' ? j.value : j.value === null ? '(none)' : `base64: ${j.value.base64}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  withOptions(dlq.command('replay'), ['kafka', 'general'])
    .description(
      'send dead letters back to their source topic with their original key and bytes and a header naming the DLQ offset (userstream.replay.of); ' +
        'the engines upsert them again (replaying twice writes the same rows), and one refused again is dead-lettered once more with that header',
    )
    .option('--reason <text>', 'only dead letters whose reason contains this text (case-insensitive)')
    .option('--from <offset>', 'first DLQ offset (inclusive)')
    .option('--to <offset>', 'last DLQ offset (inclusive; default: the end of the DLQ now, so nothing this replay causes is replayed)')
    .option('--include-replayed', 'also replays that were refused again (left out by default)')
    .option('--dry-run', 'only say what would be replayed')
    .action(async (opts: { reason?: string; from?: string; to?: string; includeReplayed?: boolean; dryRun?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const from = offsetArg('--from', opts.from);
      const to = offsetArg('--to', opts.to);
      const entries = await readDeadLetters(config, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
      const chosen = selectForReplay(entries, { ...(opts.reason === undefined ? {} : { reason: opts.reason }), includeReplayed: opts.includeReplayed ?? false });
      const skipped = entries.filter((e) => e.replayOf).length;
      const what = chosen.length === 0 ? 'no dead letters' : `${chosen.length} dead letters (offsets ${chosen[0]!.offset}..${chosen.at(-1)!.offset})`;
      const note = !opts.includeReplayed && skipped > 0 ? `; left out ${skipped} replays refused again (--include-replayed)` : '';
      if (opts.dryRun) {
        process.stdout.write(`would replay ${what} of ${config.dlqTopic}${note}\n`);
        for (const e of chosen.slice(0, 20)) process.stdout.write(`  ${replayTag(config, e)} → ${e.source!.topic}: ${e.reason}\n`);
        return;
      }
      const sent = await replayDeadLetters(config, chosen);
      const topics = [...new Set(chosen.map((e) => e.source!.topic))].join(', ');
      process.stdout.write(`replayed ${sent === 0 ? 'no dead letters' : what}${sent > 0 ? ` to ${topics}` : ''}${note}\n`);
    });

  return dlq;
}
