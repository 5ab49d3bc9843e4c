/**
 * A client of the Confluent Schema Registry API (Apicurio Registry serves it
 * under /apis/ccompat/v7): the calls userstream needs to register its
 * contract, read what is registered, and check a schema against it.
 */
import { ErrorCodes, UserstreamError } from '../errors.ts';

export interface SchemaVersion {
  subject: string;
  version: number;
  /** The id a message in Confluent's wire format carries. */
  id: number;
  schema: string;
  schemaType?: string;
}

export class SchemaRegistry {
  readonly url: string;
  readonly #timeoutMs: number;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Sets the subject's compatibility level (BACKWARD, …); works before the subject exists. */
  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.#call('PUT', `/config/${enc(subject)}`, `setting the compatibility of ${subject}`, { compatibility: level });
  }

  /** The subject's compatibility level, as the registry reports it. */
  async compatibility(subject: string): Promise<string | undefined> {
    const r = await this.#call<{ compatibilityLevel?: string; compatibility?: string }>('GET', `/config/${enc(subject)}`, `reading the compatibility of ${subject}`, undefined, [404]);
    return r?.compatibilityLevel ?? r?.compatibility;
  }

  /**
   * Registers a JSON Schema under the subject and returns its id; a schema
   * already registered there answers its existing id (no new version).
   * A schema the subject's compatibility refuses is an
   * US_ERR_REGISTRY_INCOMPATIBLE error naming why.
   */
  async register(subject: string, schema: string): Promise<number> {
    const r = await this.#call<{ id: number }>('POST', `/subjects/${enc(subject)}/versions`, `registering the schema under ${subject}`, { schemaType: 'JSON', schema });
    return r!.id;
  }

  /** The subject's versions, oldest first; none when it does not exist. */
  async versions(subject: string): Promise<number[]> {
    return (await this.#call<number[]>('GET', `/subjects/${enc(subject)}/versions`, `listing the versions of ${subject}`, undefined, [404])) ?? [];
  }

  async version(subject: string, version: number | 'latest'): Promise<SchemaVersion> {
    return (await this.#call<SchemaVersion>('GET', `/subjects/${enc(subject)}/versions/${version}`, `reading version ${version} of ${subject}`))!;
  }

  /** Whether the subject's compatibility level takes the schema as its next version (true for a subject that does not exist). */
  async isCompatible(subject: string, schema: string): Promise<boolean> {
    const r = await this.#call<{ is_compatible: boolean }>('POST', `/compatibility/subjects/${enc(subject)}/versions/latest`, `checking the schema against ${subject}`, { schemaType: 'JSON', schema }, [404]);
    return r?.is_compatible ?? true;
  }

  /** Deletes a subject and all its versions, for good (the check's scratch subjects). */
  async deleteSubject(subject: string): Promise<void> {
    await this.#call('DELETE', `/subjects/${enc(subject)}`, `deleting ${subject}`, undefined, [404]);
    await this.#call('DELETE', `/subjects/${enc(subject)}?permanent=true`, `deleting ${subject}`, undefined, [404]);
  }

  async #call<T>(method: string, path: string, doing: string, body?: unknown, absent: number[] = []): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json', ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new UserstreamError(ErrorCodes.REGISTRY, `${doing}: cannot reach the Schema Registry at ${this.url} (${cause}; is it running? npx userstream stack up registry)`, {
        cause: error,
        canRetry: true,
      });
    }
    const text = await res.text();
    if (absent.includes(res.status)) return undefined;
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {}
      if (res.status === 409) {
        throw new UserstreamError(ErrorCodes.REGISTRY_INCOMPATIBLE, `${doing}: the Schema Registry refuses it: ${incompatibility(message)}`, { details: { status: res.status } });
      }
      throw new UserstreamError(ErrorCodes.REGISTRY, `${doing}: the Schema Registry at ${this.url} answered ${res.status}: ${message.split('\n')[0]!.slice(0, 300)}`, {
        canRetry: res.status >= 500,
        details: { status: res.status },
      });
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

const enc = encodeURIComponent;

/**
 * Why a schema is incompatible, from the registry's answer. Apicurio says
 * "… Incompatible artifact: s [JSON], num of incompatible diffs: {1}, list
 * of diff types: [A new required property was added at /required]": the
 * list is the reason.
 */
export function incompatibility(message: string): string {
  const list = /list of diff types: \[(.*)\]\s*$/s.exec(message)?.[1];
  if (list) return `incompatible: ${list.replace(/\s+/g, ' ').trim()}`;
  return message.replace(/^[\w.$]+Exception:\s*/, '').split('\n')[0]!.slice(0, 300);
}
