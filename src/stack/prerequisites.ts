/**
 * The system programs `npm start` and `npm test` need besides what npm
 * installs: one list, checked before either command does anything, and
 * installed from Debian when the machine allows it (root with apt-get, as on
 * the machine kind this project targets). The README's prerequisites line
 * and `.ci/run` are kept in agreement with this list by a unit test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Which README command needs a prerequisite: `test` needs everything `start` does, and more. */
export type Purpose = 'start' | 'test';

export interface Prerequisite {
  /** What it is, as a person would name it. */
  what: string;
  /** What needs it. */
  why: string;
  purpose: Purpose;
  /** The Debian package that provides it; none when Debian has none (then `install` says what to do). */
  apt?: string;
  install?: string;
  present(env: NodeJS.ProcessEnv): boolean;
}

/** Whether an executable of this name is on PATH. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

export function parseJavaMajor(text: string): number {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const first = Number(m?.[1] ?? 0);
  return first === 1 ? Number(m?.[2] ?? 0) : first;
}

function javaVersionOutput(bin: string): string {
  // `java -version` writes to stderr.
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

/** The JDK the stack uses (USERSTREAM_JAVA_HOME, JAVA_HOME, or PATH): 17 or newer, with `jar` and `keytool`. */
function jdkPresent(env: NodeJS.ProcessEnv): boolean {
  const home = env.USERSTREAM_JAVA_HOME ?? env.JAVA_HOME;
  const bin = (name: string) => (home ? join(home, 'bin', name) : name);
  if (home ? !existsSync(bin('java')) : !onPath('java', env)) return false;
  const major = parseJavaMajor(javaVersionOutput(bin('java')));
  // gen-spark-connect extracts protos with `jar`; --secure makes its stores with `keytool`.
  return major >= 17 && (home ? existsSync(bin('jar')) && existsSync(bin('keytool')) : onPath('jar', env) && onPath('keytool', env));
}

/** Whether a JDK of at least `min` is there: the registry's own setting, JAVA_HOME, or under /usr/lib/jvm (as findJavaAtLeast looks). */
function jdkAtLeast(min: number, env: NodeJS.ProcessEnv, root = '/usr/lib/jvm'): boolean {
  const homes = [env.USERSTREAM_REGISTRY_JAVA_HOME, env.USERSTREAM_JAVA_HOME, env.JAVA_HOME].filter((h): h is string => Boolean(h));
  if (existsSync(root)) homes.push(...readdirSync(root).map((d) => join(root, d)));
  const bins = homes.map((h) => join(h, 'bin', 'java')).filter((b) => existsSync(b));
  if (onPath('java', env)) bins.push('java');
  return bins.some((b) => parseJavaMajor(javaVersionOutput(b)) >= min);
}

/** A PostgreSQL server binary from Debian's packages (Airflow's metadata database). */
function postgresPresent(): boolean {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return false;
  return readdirSync(root).some((v) => existsSync(join(root, v, 'bin', 'postgres')));
}

/** The Python Airflow's virtualenv is made with, able to make one (venv and ensurepip). */
function venvPresent(env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync(env.USERSTREAM_PYTHON ?? 'python3', ['-c', 'import ensurepip, venv'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium, which the browser tests drive with playwright-core (no browser download is possible here). */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.USERSTREAM_CHROMIUM ?? '/usr/bin/chromium';
}

export const PREREQUISITES: readonly Prerequisite[] = [
  { what: 'a JDK 17 or newer', why: 'Kafka, Cassandra and Spark', purpose: 'start', apt: 'openjdk-17-jdk-headless', present: jdkPresent },
  {
    what: 'a JDK 21 or newer',
    why: 'the Schema Registry (Apicurio Registry 3)',
    purpose: 'start',
    // Debian 12 packages no JDK 21; this machine kind has Temurin 25 under /usr/lib/jvm.
    install: 'install one under /usr/lib/jvm (Eclipse Temurin 21+ from adoptium.net) or set USERSTREAM_REGISTRY_JAVA_HOME',
    present: (env) => jdkAtLeast(21, env),
  },
  { what: 'Maven', why: 'resolving the services from Maven Central', purpose: 'start', apt: 'maven', present: (env) => onPath('mvn', env) },
  { what: "PostgreSQL's server", why: "Airflow's metadata database", purpose: 'start', apt: 'postgresql', present: postgresPresent },
  { what: 'Python with venv', why: "Airflow's virtualenv", purpose: 'start', apt: 'python3-venv', present: venvPresent },
  { what: 'Chromium', why: 'the browser tests', purpose: 'test', apt: 'chromium', present: (env) => existsSync(chromiumPath(env)) },
];

/** The prerequisites of a command: `test` includes `start`'s. */
export function prerequisitesFor(purpose: Purpose): Prerequisite[] {
  return PREREQUISITES.filter((p) => purpose === 'test' || p.purpose === 'start');
}

export interface Plan {
  missing: Prerequisite[];
  /** `apt-get install` can be run here: root, with apt-get on PATH. */
  canInstall: boolean;
}

export function plan(purpose: Purpose, env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): Plan {
  const missing = prerequisitesFor(purpose).filter((p) => !p.present(env));
  // Only what apt has can be installed here; anything else stops with its line.
  return { missing, canInstall: uid === 0 && onPath('apt-get', env) && missing.every((p) => p.apt) };
}

/** The one line that says what is missing and the command that installs it. */
export function missingLine(missing: Prerequisite[]): string {
  const names = missing.map((p) => `${p.what} (${p.why})`).join(', ');
  const apt = missing.flatMap((p) => (p.apt ? [p.apt] : []));
  const how = [...(apt.length > 0 ? [`sudo apt-get install ${apt.join(' ')}`] : []), ...missing.flatMap((p) => (p.install ? [`${p.what}: ${p.install}`] : []))];
  return `missing ${names}; install with: ${how.join('; ')}`;
}
