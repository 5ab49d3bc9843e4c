import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCodes, UserstreamError } from '../errors.ts';

const run = promisify(execFile);

export interface Java {
  bin: string;
  major: number;
}

/** The JDK for the services: --java-home, then JAVA_HOME, then `java` on PATH; 17 or newer. */
export async function findJava(javaHome: string | undefined, env = process.env): Promise<Java> {
  const home = javaHome ?? env.JAVA_HOME;
  const bin = home ? join(home, 'bin', 'java') : 'java';
  if (home && !existsSync(bin)) {
    throw new UserstreamError(ErrorCodes.STACK_JAVA_MISSING, `no java at ${bin} (from ${javaHome ? '--java-home' : 'JAVA_HOME'})`);
  }
  let output: string;
  try {
    const { stderr, stdout } = await run(bin, ['-version']);
    output = `${stderr}${stdout}`;
  } catch {
    throw new UserstreamError(
      ErrorCodes.STACK_JAVA_MISSING,
      'Java 17 or newer is needed to run Kafka and Cassandra, and none was found (install it with `apt-get install openjdk-17-jdk-headless` or set JAVA_HOME)',
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const first = Number(match?.[1] ?? 0);
  const major = first === 1 ? Number(match?.[2] ?? 0) : first;
  if (major < 17) {
    throw new UserstreamError(ErrorCodes.STACK_JAVA_MISSING, `Java ${major || 'of unknown version'} at ${bin} is too old: Kafka 4 and Cassandra 5 need 17 or newer`);
  }
  return { bin, major };
}

/** Where Debian and most JDK packages (Temurin's too) install JDKs. */
const JVM_ROOT = '/usr/lib/jvm';

/**
 * A JDK of at least `min` for a service that needs a newer Java than the
 * rest of the stack (the Schema Registry: Apicurio 3 is built for Java 21):
 * `preferred` (its own setting) if given, then --java-home, JAVA_HOME and
 * `java` on PATH when they are new enough, then the newest JDK under
 * /usr/lib/jvm (this machine kind has Temurin 25 there beside Debian's 17).
 */
export async function findJavaAtLeast(min: number, preferred: string | undefined, javaHome: string | undefined, env = process.env, root = JVM_ROOT): Promise<Java> {
  if (preferred) {
    const java = await findJava(preferred, env);
    if (java.major < min) throw new UserstreamError(ErrorCodes.STACK_JAVA_MISSING, `Java ${java.major} at ${java.bin} is too old: the Schema Registry needs ${min} or newer`);
    return java;
  }
  const seen: string[] = [];
  const first = await findJava(javaHome, env).catch(() => undefined);
  if (first) {
    if (first.major >= min) return first;
    seen.push(`Java ${first.major} at ${first.bin}`);
  }
  const homes = existsSync(root) ? readdirSync(root).map((d) => join(root, d)).filter((d) => existsSync(join(d, 'bin', 'java'))) : [];
  const found = (await Promise.all(homes.map((h) => findJava(h, env).catch(() => undefined)))).filter((j): j is Java => j !== undefined);
  const best = found.filter((j) => j.major >= min).sort((a, b) => b.major - a.major)[0];
  if (best) return best;
  for (const j of found) if (!seen.some((s) => s.endsWith(j.bin))) seen.push(`Java ${j.major} at ${j.bin}`);
  throw new UserstreamError(
    ErrorCodes.STACK_JAVA_MISSING,
    `the Schema Registry (Apicurio Registry 3) needs Java ${min} or newer, and this machine has ${seen.length > 0 ? `only ${seen.join(', ')}` : 'none'}; ` +
      `Debian 12 packages no JDK ${min}: install one (Eclipse Temurin ${min}+ from adoptium.net, or a distribution's openjdk-${min}-jdk-headless) under ${root}, or point --registry-java-home at one`,
  );
}
