import { Command } from 'commander';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { contractSchema, valueSubject } from '../../registry/contract.ts';
import { checkContract } from '../../registry/register.ts';
import { configFrom, withOptions } from '../options.ts';
import { printTable } from '../table.ts';

/**
 * `userstream schema show|check`: the record contract in the Schema
 * Registry — what is registered under `<topic>-value`, and whether the
 * local schema (generated from record/record.ts) fits it.
 */
export function schemaCommand(): Command {
  const schema = new Command('schema').description('the record schema in the Schema Registry (subject <topic>-value): show what is registered, check the local schema against it');

  withOptions(schema.command('show'), ['kafka', 'registry', 'general'])
    .description('the registered versions of <topic>-value with their ids, the subject\'s compatibility, and which one is the local schema')
    .option('--json', 'print JSON')
    .option('--local', 'print the local schema (JSON Schema draft 7, generated from the record schema) instead')
    .action(async (opts: { json?: boolean; local?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      if (opts.local) {
        process.stdout.write(`${JSON.stringify(contractSchema(), null, 2)}\n`);
        return;
      }
      const check = await checkContract(config);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...check, versions: check.versions.map((v) => ({ ...v, schema: JSON.parse(v.schema) as unknown })) }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`subject ${check.subject} at ${check.url}; compatibility ${check.compatibility ?? '(not set)'}\n`);
      if (check.versions.length === 0) {
        process.stdout.write('no version registered yet (the next ingest registers the local schema as version 1)\n');
        return;
      }
      printTable(
        ['version', 'id', 'fields', 'local'],
        check.versions.map((v) => [String(v.version), String(v.id), fields(v.schema), v === check.same ? 'yes' : '']),
      );
    });

  withOptions(schema.command('check'), ['kafka', 'registry', 'general'])
    .description('exit 0 when the subject takes the local schema (it is registered, or its compatibility accepts it as the next version), else one line naming the incompatibility and exit 1')
    .action(async (_opts, command: Command) => {
      const { config } = configFrom(command);
      const check = await checkContract(config);
      const subject = valueSubject(config.topic);
      if (check.same) {
        process.stdout.write(`the local schema is version ${check.same.version} of ${subject} (id ${check.same.id})\n`);
      } else if (check.versions.length === 0) {
        process.stdout.write(`${subject} has no version yet; the next ingest registers the local schema as version 1\n`);
      } else if (check.compatible) {
        const latest = check.versions.at(-1)!;
        process.stdout.write(`the local schema is ${check.compatibility ?? config.schemaCompatibility} compatible with version ${latest.version} of ${subject}; the next ingest registers it as a new version\n`);
      } else {
        const latest = check.versions.at(-1)!;
        throw new UserstreamError(
          ErrorCodes.REGISTRY_INCOMPATIBLE,
          `the local schema is not ${check.compatibility ?? config.schemaCompatibility} compatible with version ${latest.version} of ${subject}: ${check.reason}`,
        );
      }
    });

  return schema;
}

/** How many fields a registered JSON Schema names, and which are optional. */
function fields(schema: string): string {
  try {
    const s = JSON.parse(schema) as { properties?: Record<string, unknown>; required?: string[] };
    const names = Object.keys(s.properties ?? {});
    const required = new Set(s.required ?? []);
    const optional = names.filter((n) => !required.has(n));
    return `${names.length}${optional.length > 0 ? ` (optional: ${optional.join(', ')})` : ''}`;
  } catch {
    return '(not JSON)';
  }
}
