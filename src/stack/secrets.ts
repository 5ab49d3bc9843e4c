/**
 * The local stack's secure profile (`--secure`): credentials and the broker's
 * TLS certificate, generated on this machine into <stack-home>/secrets (git-
 * ignored, mode 0700; files 0600) the first time they are needed. Nothing
 * secret is in the repository.
 *
 * - credentials.json: the Kafka SCRAM user and the Cassandra roles' passwords.
 * - ca.pem / ca.p12: a CA made for this stack; broker.p12: the broker's key
 *   and a certificate for localhost and 127.0.0.1 signed by that CA.
 * - client.env: USERSTREAM_* settings for a client of the secure stack
 *   (`userstream --env-file <stack-home>/secrets/client.env …`).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/options.ts';
import { envName } from '../config/options.ts';
import { cassandraNodeAddress, kafkaSecureStackBroker } from '../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import type { Java } from './java.ts';

const run = promisify(execFile);

/** The login the app uses, on Kafka and on Cassandra. */
export const APP_USER = 'userstream';

export interface StackSecrets {
  kafkaPassword: string;
  cassandraPassword: string;
  /** The Cassandra superuser `cassandra`'s password, changed from the well-known default. */
  cassandraAdminPassword: string;
  /** Protects the PKCS12 stores. */
  storePassword: string;
}

export interface SecretFiles {
  dir: string;
  credentials: string;
  caPem: string;
  caStore: string;
  brokerStore: string;
  clientEnv: string;
}

export function secretFiles(stackHome: string): SecretFiles {
  const dir = join(resolve(stackHome), 'secrets');
  return {
    dir,
    credentials: join(dir, 'credentials.json'),
    caPem: join(dir, 'ca.pem'),
    caStore: join(dir, 'ca.p12'),
    brokerStore: join(dir, 'broker.p12'),
    clientEnv: join(dir, 'client.env'),
  };
}

/** 24 random bytes, URL-safe base64: only [A-Za-z0-9_-], safe inside quotes of CQL, JAAS and env files. */
function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** A password may be put in a CQL string literal or a JAAS option only if it has no quote or backslash. */
export function assertPlainSecret(value: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(value)) {
    throw new UserstreamError(ErrorCodes.STACK_START, `${what} in the stack's credentials.json is not a generated password; delete the file to generate new ones`);
  }
  return value;
}

function writePrivate(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The stack's credentials, generated once. */
export function stackSecrets(stackHome: string): StackSecrets {
  const f = secretFiles(stackHome);
  mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  chmodSync(f.dir, 0o700);
  if (existsSync(f.credentials)) return JSON.parse(readFileSync(f.credentials, 'utf8')) as StackSecrets;
  const secrets: StackSecrets = {
    kafkaPassword: newPassword(),
    cassandraPassword: newPassword(),
    cassandraAdminPassword: newPassword(),
    storePassword: newPassword(),
  };
  writePrivate(f.credentials, `${JSON.stringify(secrets, null, 2)}\n`);
  return secrets;
}

/**
 * The CA and the broker's keystore, made with the JDK's keytool once: a CA
 * key pair, a broker key pair, the broker's certificate (localhost,
 * 127.0.0.1; server auth) signed by the CA, and the chain in the keystore.
 */
export async function ensureBrokerCertificate(stackHome: string, java: Java, secrets: StackSecrets): Promise<void> {
  const f = secretFiles(stackHome);
  if (existsSync(f.brokerStore) && existsSync(f.caPem)) return;
  const keytool = join(dirname(java.bin), 'keytool');
  const pass = ['-storepass', secrets.storePassword];
  const csr = join(f.dir, 'broker.csr');
  const signed = join(f.dir, 'broker.pem');
  for (const file of [f.caStore, f.brokerStore, f.caPem, csr, signed]) rmSync(file, { force: true });
  const steps: string[][] = [
    ['-genkeypair', '-alias', 'ca', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=userstream local stack CA', '-ext', 'bc:c', '-validity', '3650', '-keystore', f.caStore, '-storetype', 'PKCS12', ...pass],
    ['-exportcert', '-rfc', '-alias', 'ca', '-keystore', f.caStore, ...pass, '-file', f.caPem],
    ['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=localhost', '-validity', '825', '-keystore', f.brokerStore, '-storetype', 'PKCS12', ...pass],
    ['-certreq', '-alias', 'broker', '-keystore', f.brokerStore, ...pass, '-file', csr],
    ['-gencert', '-alias', 'ca', '-keystore', f.caStore, ...pass, '-infile', csr, '-outfile', signed, '-rfc', '-validity', '825',
      '-ext', 'SAN=dns:localhost,ip:127.0.0.1', '-ext', 'KU=digitalSignature,keyEncipherment', '-ext', 'EKU=serverAuth'],
    ['-importcert', '-noprompt', '-alias', 'ca', '-file', f.caPem, '-keystore', f.brokerStore, ...pass],
    ['-importcert', '-noprompt', '-alias', 'broker', '-file', signed, '-keystore', f.brokerStore, ...pass],
  ];
  try {
    for (const args of steps) await run(keytool, args);
  } catch (error) {
    for (const file of [f.brokerStore, f.caPem]) rmSync(file, { force: true });
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new UserstreamError(ErrorCodes.STACK_START, `making the broker's TLS certificate with ${keytool} failed: ${(e.stdout || e.stderr || e.message).trim().split('\n')[0]}`, { cause: error });
  } finally {
    rmSync(csr, { force: true });
    rmSync(signed, { force: true });
  }
  for (const file of [f.caStore, f.brokerStore, f.caPem]) chmodSync(file, 0o600);
}

/** Client settings of the secure local stack, as the config keys they set. */
export function secureClientSettings(
  config: Pick<Config, 'stackHome' | 'kafkaSecurePort' | 'cassandraPort'>,
  secrets: StackSecrets,
): Pick<Config, 'kafkaBrokers' | 'kafkaSecurityProtocol' | 'kafkaSaslMechanism' | 'kafkaSaslUsername' | 'kafkaSaslPassword' | 'kafkaSslCa' | 'cassandraHosts' | 'cassandraUsername' | 'cassandraPassword'> {
  return {
    kafkaBrokers: [kafkaSecureStackBroker(config)],
    kafkaSecurityProtocol: 'sasl_ssl',
    kafkaSaslMechanism: 'scram-sha-512',
    kafkaSaslUsername: APP_USER,
    kafkaSaslPassword: secrets.kafkaPassword,
    kafkaSslCa: secretFiles(config.stackHome).caPem,
    cassandraHosts: [cassandraNodeAddress(config)],
    cassandraUsername: APP_USER,
    cassandraPassword: secrets.cassandraPassword,
  };
}

/** Settings as the USERSTREAM_* variables that set them (lists comma-separated). */
export function asEnvironment(settings: Partial<Config>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [envName(key), Array.isArray(value) ? value.join(',') : String(value)]));
}

/** Writes client.env: the secure stack's client settings as USERSTREAM_* lines. */
export function writeClientEnv(config: Pick<Config, 'stackHome' | 'kafkaSecurePort' | 'cassandraPort'>, secrets: StackSecrets): string {
  const file = secretFiles(config.stackHome).clientEnv;
  const lines = Object.entries(asEnvironment(secureClientSettings(config, secrets))).map(([name, value]) => `${name}=${value}`);
  writePrivate(file, ['# Written by `userstream stack up --secure`: how a client reaches the secure local stack.', ...lines, ''].join('\n'));
  return file;
}
