/**
 * `node scripts/prerequisites.ts start|test`: run before `npm start` and
 * `npm test` (scripts/ensure-deps.sh). Checks the system programs the
 * command needs (src/stack/prerequisites.ts) and installs the missing ones
 * from Debian when it runs as root with apt-get; otherwise it stops at once
 * with one line naming the command to run.
 */
import { execFileSync } from 'node:child_process';
import { missingLine, plan, type Purpose } from '../src/stack/prerequisites.ts';

const purpose = process.argv[2];
if (purpose !== 'start' && purpose !== 'test') {
  process.stderr.write('usage: node scripts/prerequisites.ts start|test\n');
  process.exit(2);
}

const { missing, canInstall } = plan(purpose as Purpose);
if (missing.length === 0) process.exit(0);
if (!canInstall) {
  process.stderr.write(`userstream: ${missingLine(missing)}\n`);
  process.exit(1);
}

const packages = missing.map((p) => p.apt!);
process.stderr.write(`userstream: installing ${missing.map((p) => `${p.what} (${p.why})`).join(', ')} from Debian: apt-get install ${packages.join(' ')}\n`);
try {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
} catch {
  process.stderr.write(`userstream: apt-get could not install ${packages.join(' ')} (see its output above); ${missingLine(missing)}\n`);
  process.exit(1);
}
const still = plan(purpose as Purpose).missing;
if (still.length > 0) {
  process.stderr.write(`userstream: still ${missingLine(still)}\n`);
  process.exit(1);
}
