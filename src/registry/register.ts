/**
 * The contract in the Schema Registry: registered before the first message
 * is produced (the ingest), and checked against what is registered (the
 * `schema` command).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { SchemaRegistry, type SchemaVersion } from './client.ts';
import { contractText, valueSubject } from './contract.ts';

export type RegistryConfig = Pick<Config, 'topic' | 'schemaRegistryUrl' | 'schemaCompatibility'>;

export interface Registered {
  subject: string;
  /** The schema id messages in Confluent's wire format carry. */
  id: number;
  version: number;
}

function registryOf(config: RegistryConfig): SchemaRegistry {
  if (!config.schemaRegistryUrl) throw new UserstreamError(ErrorCodes.CONFIG, 'no Schema Registry is configured (--schema-registry-url is none)');
  return new SchemaRegistry(config.schemaRegistryUrl);
}

/**
 * Registers the record schema under `<topic>-value` with the configured
 * compatibility. The same schema registered before answers its existing id
 * and version; one the subject's compatibility refuses stops here, before
 * anything is produced, with one line naming why.
 */
export async function registerContract(config: RegistryConfig): Promise<Registered> {
  const registry = registryOf(config);
  const subject = valueSubject(config.topic);
  const schema = contractText();
  await registry.setCompatibility(subject, config.schemaCompatibility);
  try {
    const id = await registry.register(subject, schema);
    const mine = await findVersion(registry, subject, id);
    if (!mine) throw new UserstreamError(ErrorCodes.REGISTRY, `the Schema Registry gave the schema id ${id} under ${subject}, but no version of ${subject} has it`);
    return { subject, id, version: mine.version };
  } catch (error) {
    if (error instanceof UserstreamError && error.code === ErrorCodes.REGISTRY_INCOMPATIBLE) {
      const latest = (await registry.versions(subject)).at(-1);
      throw new UserstreamError(
        ErrorCodes.REGISTRY_INCOMPATIBLE,
        `the record schema is not ${config.schemaCompatibility} compatible with version ${latest ?? '?'} of ${subject} in the Schema Registry, so nothing was produced: ${error.message.replace(/^.*refuses it: /, '')} (userstream schema show; userstream schema check)`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The subject's version whose id is `id` (newest first: the contract is usually the latest). */
async function findVersion(registry: SchemaRegistry, subject: string, id: number): Promise<SchemaVersion | undefined> {
  for (const v of (await registry.versions(subject)).reverse()) {
    const version = await registry.version(subject, v);
    if (version.id === id) return version;
  }
  return undefined;
}

export interface ContractCheck {
  subject: string;
  url: string;
  compatibility: string | undefined;
  versions: SchemaVersion[];
  /** The registered version whose schema is the local one, if any. */
  same: SchemaVersion | undefined;
  /** Whether the subject takes the local schema as its next version (true when it is registered already or there is no subject). */
  compatible: boolean;
  /** Why not, as the registry says it. */
  reason?: string;
}

/** What is registered under `<topic>-value`, and whether the local schema fits it. */
export async function checkContract(config: RegistryConfig): Promise<ContractCheck> {
  const registry = registryOf(config);
  const subject = valueSubject(config.topic);
  const schema = contractText();
  const versions: SchemaVersion[] = [];
  for (const v of await registry.versions(subject)) versions.push(await registry.version(subject, v));
  const compatibility = versions.length > 0 ? await registry.compatibility(subject) : undefined;
  const same = versions.find((v) => sameSchema(v.schema, schema));
  const base = { subject, url: registry.url, compatibility, versions, same };
  if (same || versions.length === 0) return { ...base, compatible: true };
  if (await registry.isCompatible(subject, schema)) return { ...base, compatible: true };
  return { ...base, compatible: false, reason: await explain(registry, subject, versions, compatibility ?? config.schemaCompatibility, schema) };
}

/** Two schema texts that parse to the same JSON (the registry may store its own spacing). */
function sameSchema(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

/**
 * Why the registry refuses a schema: its compatibility check answers only
 * yes or no, and only a registration says why. So the registered versions
 * are copied into a scratch subject, the schema is registered there, and
 * the scratch subject is deleted: the real subject never changes.
 */
async function explain(registry: SchemaRegistry, subject: string, versions: SchemaVersion[], level: string, schema: string): Promise<string> {
  const scratch = `${subject}.userstream-check-${randomBytes(4).toString('hex')}`;
  // A transitive level compares with every version, the others with the latest only.
  const earlier = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
  try {
    await registry.setCompatibility(scratch, 'NONE');
    for (const v of earlier) await registry.register(scratch, v.schema);
    await registry.setCompatibility(scratch, level);
    await registry.register(scratch, schema);
    return `the registry refused it under ${level}`;
  } catch (error) {
    if (error instanceof UserstreamError && error.code === ErrorCodes.REGISTRY_INCOMPATIBLE) return error.message.replace(/^.*refuses it: /, '');
    throw error;
  } finally {
    await registry.deleteSubject(scratch).catch(() => {});
  }
}
