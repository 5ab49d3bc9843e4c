/**
 * `node scripts/docker-setup.ts` (`npm run docker:setup`, and the first step
 * of the docker test stage): makes this machine able to build and run
 * userstream's images, doing only what is missing.
 *
 * 1. Docker Engine: Debian's docker.io, installed with apt-get (as root);
 * 2. its daemon: started in the background when none answers (as root; it
 *    keeps running, like the local stack, with its log in /var/log/userstream-dockerd.log);
 * 3. Docker Compose v2, the CLI plugin: built from the Go module proxy at
 *    COMPOSE_VERSION into ~/.docker/cli-plugins when `docker compose` is missing
 *    (Debian 12 packages only Compose v1, which cannot read compose.yaml);
 * 4. the Debian base image every image is built FROM (BASE_IMAGE): made by
 *    debootstrap from Debian's mirror and imported, where Docker Hub's
 *    debian:bookworm-slim cannot be pulled.
 *
 * Without root, a missing piece is not installed: the script says in one line
 * what to install and exits 1 (the test stage then counts as not run).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { every, until } from '../src/retry.ts';
import { onPath } from '../src/stack/prerequisites.ts';

/** The Compose release built from the Go module proxy: the newest v2, whose client still speaks the API of Debian 12's Engine 20.10 (1.41). */
export const COMPOSE_VERSION = 'v2.40.3';
/** The base image the test builds on, and the Debian release and mirror it is made from. */
export const BASE_IMAGE = 'userstream-base:bookworm';
const DEBIAN = { suite: 'bookworm', mirror: 'http://deb.debian.org/debian' };
const DOCKERD_LOG = '/var/log/userstream-dockerd.log';

const isRoot = () => process.getuid?.() === 0;
const say = (line: string) => process.stderr.write(`docker-setup: ${line}\n`);

/** Why Docker cannot be used here and will not be set up (not root, and a piece is missing); undefined when it can. */
export function dockerUnavailable(): string | undefined {
  if (isRoot()) return undefined;
  if (!daemonAnswers()) return 'no Docker daemon answers and this is not root, so none is installed or started (sudo apt-get install docker.io; see docs/docker.md)';
  if (!composeAnswers()) return `Docker Compose v2 is missing and this is not root (install the docker-compose plugin ${COMPOSE_VERSION} or newer; see docs/docker.md)`;
  return undefined;
}

export function daemonAnswers(): boolean {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

function composeAnswers(): boolean {
  return spawnSync('docker', ['compose', 'version', '--short'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

function apt(packages: string[]): void {
  say(`installing ${packages.join(' ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

function fail(line: string): never {
  say(line);
  process.exit(1);
}

async function ensureDaemon(): Promise<void> {
  if (daemonAnswers()) return;
  if (!isRoot()) fail('no Docker daemon answers; start one (sudo dockerd, or your system\'s service) and run again');
  if (!onPath('dockerd')) {
    apt(['docker.io']);
    // The client it brings may reach a daemon that runs elsewhere (DOCKER_HOST).
    if (daemonAnswers()) return;
  }
  say(`starting dockerd (log: ${DOCKERD_LOG})`);
  const log = openSync(DOCKERD_LOG, 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  await until('the Docker daemon to answer', async () => (daemonAnswers() ? { done: true, value: undefined } : { done: false, saw: 'no answer' }), {
    deadline: Date.now() + 60_000,
    pause: every(500),
    fail: () => new Error(`dockerd did not answer within 60 s; see ${DOCKERD_LOG}`),
  });
}

function ensureCompose(): void {
  if (composeAnswers()) return;
  if (!onPath('go')) fail(`Docker Compose v2 is missing, and Go, which builds it, is not on PATH (go.dev/dl; or install the docker-compose plugin ${COMPOSE_VERSION})`);
  const plugins = join(homedir(), '.docker', 'cli-plugins');
  say(`building Docker Compose ${COMPOSE_VERSION} from the Go module proxy into ${plugins} (once, about 2 minutes)`);
  const module = `github.com/docker/compose/v2@${COMPOSE_VERSION}`;
  const { Dir } = JSON.parse(execFileSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8' })) as { Dir: string };
  // Its go.mod has exclude directives, so it builds as the main module: a writable copy of it.
  const src = mkdtempSync(join(tmpdir(), 'compose-src-'));
  try {
    cpSync(Dir, src, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', src]);
    mkdirSync(plugins, { recursive: true });
    execFileSync('go', ['build', '-trimpath', '-ldflags', `-s -w -X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}`, '-o', join(plugins, 'docker-compose'), './cmd'], {
      cwd: src, stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  if (!composeAnswers()) fail(`built ${join(plugins, 'docker-compose')}, but \`docker compose version\` does not answer`);
}

function ensureBaseImage(): void {
  if (spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' }).status === 0) return;
  if (!isRoot()) fail(`the base image ${BASE_IMAGE} is missing, and debootstrap, which makes it, needs root`);
  if (!onPath('debootstrap')) apt(['debootstrap']);
  const root = mkdtempSync(join(tmpdir(), 'userstream-base-'));
  try {
    say(`making ${BASE_IMAGE} with debootstrap (Debian ${DEBIAN.suite}, minbase, from ${DEBIAN.mirror}; once)`);
    execFileSync('debootstrap', ['--variant=minbase', DEBIAN.suite, root, DEBIAN.mirror], { stdio: ['ignore', 'ignore', 'inherit'] });
    // What debootstrap leaves that an image does not need: downloaded packages and package lists.
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) rmSync(join(root, dir), { recursive: true, force: true });
    mkdirSync(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
    mkdirSync(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
    execFileSync('sh', ['-c', `tar -C '${root}' -c . | docker import --change 'CMD ["/bin/bash"]' - ${BASE_IMAGE}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const unavailable = dockerUnavailable();
  if (unavailable) fail(unavailable);
  // Installs Docker (docker.io: the daemon and its client) when no daemon answers and none is installed.
  await ensureDaemon();
  ensureCompose();
  ensureBaseImage();
  say(`ready: ${execFileSync('docker', ['version', '--format', 'Engine {{.Server.Version}} (API {{.Server.APIVersion}})'], { encoding: 'utf8' }).trim()}, ` +
    `Compose ${execFileSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8' }).trim()}, base image ${BASE_IMAGE}`);
}

if (import.meta.main) await main();
