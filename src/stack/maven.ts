import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, UserstreamError } from '../errors.ts';

export interface ResolveOptions {
  /** Folder that receives pom.xml and lib/ (the classpath). */
  dir: string;
  artifacts: string[];
  /** Maven's local repository. */
  repo: string;
  onProgress?: (downloaded: number, bytes: number) => void;
}

/**
 * Resolves artifacts and their runtime dependencies from Maven Central into
 * `dir/lib`, once: a later call with the marker present downloads nothing.
 * Maven does the dependency mediation; userstream only writes the pom.
 */
export async function resolveClasspath(options: ResolveOptions): Promise<string> {
  const lib = join(options.dir, 'lib');
  const marker = join(options.dir, '.resolved');
  // The marker holds the artifact list: a changed list resolves again.
  const wanted = options.artifacts.join('\n');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return lib;
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(join(options.dir, 'pom.xml'), pom(options.artifacts));
  const args = [
    '-B', '-f', join(options.dir, 'pom.xml'),
    // Retry what failed before: without -U, Maven remembers a failed download
    // (say, while offline) and refuses to try again for a day.
    '-U',
    `-Dmaven.repo.local=${options.repo}`,
    // Pinned: Maven 3.8's default dependency plugin is a decade old.
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    `-DoutputDirectory=${lib}`,
    '-DincludeScope=runtime',
  ];
  const tail: string[] = [];
  let downloaded = 0;
  let bytes = 0;
  const code = await new Promise<number>((resolve, reject) => {
    let child;
    try {
      child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(error);
      return;
    }
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new UserstreamError(ErrorCodes.STACK_DOWNLOAD, 'Maven (`mvn`) is needed to fetch the services from Maven Central and is not installed (apt-get install maven)')
          : error,
      ),
    );
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        const m = /Downloaded from \S+: \S+ \((\d+(?:\.\d+)?) (B|kB|MB)/.exec(line);
        if (m) {
          downloaded++;
          bytes += Number(m[1]) * (m[2] === 'MB' ? 1e6 : m[2] === 'kB' ? 1e3 : 1);
          options.onProgress?.(downloaded, bytes);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    const why = tail.find((l) => /\[ERROR\]/.test(l))?.replace(/^\[ERROR\]\s*/, '').replace(/\s*-> \[Help \d+\]$/, '') ?? `mvn exited with ${code}`;
    throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `downloading ${options.artifacts.join(', ')} from Maven Central failed: ${why}`, { canRetry: true });
  }
  writeFileSync(marker, wanted);
  return lib;
}

/** Total size of a classpath folder, for the status line. */
export function classpathSize(lib: string): { jars: number; bytes: number } {
  let jars = 0;
  let bytes = 0;
  for (const f of readdirSync(lib)) {
    if (!f.endsWith('.jar')) continue;
    jars++;
    bytes += statSync(join(lib, f)).size;
  }
  return { jars, bytes };
}

function pom(artifacts: string[]): string {
  const deps = artifacts
    .map((coord) => {
      const [groupId, artifactId, version] = coord.split(':');
      return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by userstream: the classpath of one local-stack service. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.userstream.stack</groupId>
  <artifactId>classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}
