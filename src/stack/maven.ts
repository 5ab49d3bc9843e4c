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
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadProgress {
  /** Jars of the classpath downloaded so far. */
  jars: number;
  /** Jars of the classpath not in the local repository when the download began; undefined if that could not be worked out. */
  total: number | undefined;
  /** Bytes of every file downloaded (jars, poms, Maven's own plugins). */
  bytes: number;
}

/** Whether `dir/lib` holds the classpath of exactly these artifacts: its marker holds the list, so a changed list resolves again. */
export function classpathResolved(dir: string, artifacts: string[]): boolean {
  const marker = join(dir, '.resolved');
  return existsSync(marker) && readFileSync(marker, 'utf8') === artifacts.join('\n');
}

/**
 * Resolves artifacts and their runtime dependencies from Maven Central into
 * `dir/lib`, once: a later call with the marker present downloads nothing.
 * Maven does the dependency mediation; userstream only writes the pom.
 */
export async function resolveClasspath(options: ResolveOptions): Promise<string> {
  const lib = join(options.dir, 'lib');
  const marker = join(options.dir, '.resolved');
  const wanted = options.artifacts.join('\n');
  if (classpathResolved(options.dir, options.artifacts)) return lib;
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(join(options.dir, 'pom.xml'), pom(options.artifacts));
  const common = [
    '-B', '-f', join(options.dir, 'pom.xml'),
    // Retry what failed before: without -U, Maven remembers a failed download
    // (say, while offline) and refuses to try again for a day.
    '-U',
    `-Dmaven.repo.local=${options.repo}`,
  ];
  // First the dependency tree (poms only, no jars), for how many jars the
  // download will bring: the total of the progress bar. Best effort.
  const treeFile = join(options.dir, 'tree.txt');
  let missing: Set<string> | undefined;
  const tree = await runMaven([...common, `${DEPENDENCY_PLUGIN}:tree`, '-Dscope=runtime', `-DoutputFile=${treeFile}`], () => {}).catch(() => undefined);
  if (tree?.code === 0 && existsSync(treeFile)) {
    missing = new Set(parseTree(readFileSync(treeFile, 'utf8')).filter((c) => !existsSync(jarPath(options.repo, c))).map(jarName));
  }
  let jars = 0;
  let bytes = 0;
  options.onProgress?.({ jars, total: missing?.size, bytes });
  const { code, tail } = await runMaven([...common, `${DEPENDENCY_PLUGIN}:copy-dependencies`, `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'], (line) => {
    const m = /Downloaded from \S+: (\S+) \((\d+(?:\.\d+)?) (B|kB|MB)/.exec(line);
    if (!m) return;
    bytes += Number(m[2]) * (m[3] === 'MB' ? 1e6 : m[3] === 'kB' ? 1e3 : 1);
    if (missing?.has(m[1]!.split('/').pop()!)) jars++;
    options.onProgress?.({ jars, total: missing?.size, bytes });
  });
  if (code !== 0) {
    const why = tail.find((l) => /\[ERROR\]/.test(l))?.replace(/^\[ERROR\]\s*/, '').replace(/\s*-> \[Help \d+\]$/, '') ?? `mvn exited with ${code}`;
    throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `downloading ${options.artifacts.join(', ')} from Maven Central failed: ${why}`, { canRetry: true });
  }
  writeFileSync(marker, wanted);
  return lib;
}

/**
 * One artifact file as it is on Maven Central (a distribution archive, not
 * a classpath): `group:artifact:version:type[:classifier]`, fetched into the
 * local repository once; resolves with its path.
 */
export async function fetchArtifact(coordinate: string, repo: string, onProgress?: (bytes: number) => void): Promise<string> {
  const [groupId, artifactId, version, type, classifier] = coordinate.split(':');
  if (!groupId || !artifactId || !version || !type) throw new Error(`not group:artifact:version:type[:classifier]: ${coordinate}`);
  const file = join(repo, ...groupId.split('.'), artifactId, version, `${artifactId}-${version}${classifier ? `-${classifier}` : ''}.${type}`);
  if (existsSync(file)) return file;
  let bytes = 0;
  const { code, tail } = await runMaven(['-B', '-U', `-Dmaven.repo.local=${repo}`, `${DEPENDENCY_PLUGIN}:get`, `-Dartifact=${coordinate}`, '-Dtransitive=false'], (line) => {
    const m = /Downloaded from \S+: \S+ \((\d+(?:\.\d+)?) (B|kB|MB)/.exec(line);
    if (!m) return;
    bytes += Number(m[1]) * (m[2] === 'MB' ? 1e6 : m[2] === 'kB' ? 1e3 : 1);
    onProgress?.(bytes);
  });
  if (code !== 0 || !existsSync(file)) {
    const why = tail.find((l) => /\[ERROR\]/.test(l))?.replace(/^\[ERROR\]\s*/, '').replace(/\s*-> \[Help \d+\]$/, '') ?? `mvn exited with ${code}`;
    throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `downloading ${coordinate} from Maven Central failed: ${why}`, { canRetry: true });
  }
  return file;
}

/** Pinned: Maven 3.8's default dependency plugin is a decade old. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Runs mvn, handing each output line to `onLine`; resolves with the exit code and the last 40 lines. */
function runMaven(args: string[], onLine: (line: string) => void): Promise<{ code: number; tail: string[] }> {
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
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
        onLine(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (c) => resolve({ code: c ?? 1, tail }));
  });
}

export interface Coordinate {
  groupId: string;
  artifactId: string;
  classifier: string | undefined;
  version: string;
}

/**
 * The jar dependencies of `mvn dependency:tree` text output: lines such as
 * `|  +- io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.130.Final:compile`
 * (group:artifact:type[:classifier]:version:scope). The root (the pom) is skipped.
 */
export function parseTree(text: string): Coordinate[] {
  const out: Coordinate[] = [];
  for (const line of text.split('\n')) {
    const m = /^[|\\+\- ]*[+\\]- (\S+)/.exec(line);
    if (!m) continue;
    const parts = m[1]!.split(':');
    if (parts[2] !== 'jar' || (parts.length !== 5 && parts.length !== 6)) continue;
    const [groupId, artifactId, , ...rest] = parts;
    const [classifier, version] = rest.length === 3 ? [rest[0], rest[1]] : [undefined, rest[0]];
    out.push({ groupId: groupId!, artifactId: artifactId!, classifier, version: version! });
  }
  return out;
}

export function jarName(c: Coordinate): string {
  return `${c.artifactId}-${c.version}${c.classifier ? `-${c.classifier}` : ''}.jar`;
}

/** Where Maven keeps a jar in a local repository. */
export function jarPath(repo: string, c: Coordinate): string {
  return join(repo, ...c.groupId.split('.'), c.artifactId, c.version, jarName(c));
}

/** A text progress bar: `[######------] 37/100`. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.min(done, total)}/${total}`;
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
