import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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
