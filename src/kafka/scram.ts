/**
 * SCRAM credentials for a Kafka user, set over the admin API
 * (AlterUserScramCredentials, KIP-554): the broker stores the salted
 * password per mechanism; the password itself never leaves this process.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { Connection, alterUserScramCredentialsV0, ScramMechanisms } from '@platformatic/kafka';
import { ErrorCodes, UserstreamError } from '../errors.ts';

export type ScramMechanismName = 'SCRAM-SHA-512' | 'SCRAM-SHA-256';

/** Kafka accepts 4096-16384 iterations. */
const ITERATIONS = 8192;

/** RFC 5802 SaltedPassword := Hi(password, salt, i), i.e. PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(password: string, salt: Buffer, iterations: number, mechanism: ScramMechanismName): Buffer {
  const [hash, length] = mechanism === 'SCRAM-SHA-512' ? ['sha512', 64] : ['sha256', 32];
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, length, hash);
}

/** Creates the user or sets its password, for each mechanism, through the broker at host:port. */
export async function upsertScramUser(host: string, port: number, user: string, password: string, mechanisms: readonly ScramMechanismName[]): Promise<void> {
  const connection = new Connection('userstream-stack', { connectTimeout: 5000, requestTimeout: 15_000 });
  try {
    await connection.connect(host, port);
    // One mechanism per request: the broker refuses two changes of one user in a request.
    for (const mechanism of mechanisms) {
      const salt = randomBytes(32);
      const upsertion = {
        name: user,
        mechanism: mechanism === 'SCRAM-SHA-512' ? ScramMechanisms.SCRAM_SHA_512 : ScramMechanisms.SCRAM_SHA_256,
        iterations: ITERATIONS,
        salt,
        saltedPassword: saltedPassword(password, salt, ITERATIONS, mechanism),
      };
      const response = await alterUserScramCredentialsV0.api.async(connection, [], [upsertion]);
      const failed = response.results.find((r) => r.errorCode !== 0);
      if (failed) throw new Error(`error ${failed.errorCode}${failed.errorMessage ? `: ${failed.errorMessage}` : ''}`);
    }
  } catch (error) {
    // The broker's reason is in the response's per-user errors.
    const inner = (error as { errors?: { serverErrorMessage?: string; message: string }[] }).errors?.[0];
    const why = inner?.serverErrorMessage ?? inner?.message ?? (error as Error).message;
    throw new UserstreamError(ErrorCodes.KAFKA, `setting the SCRAM credentials of ${user} on Kafka ${host}:${port} failed: ${why}`, { cause: error });
  } finally {
    await connection.close().catch(() => {});
  }
}
