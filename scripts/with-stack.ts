/**
 * `node scripts/with-stack.ts <command...>`: makes sure the local stack runs
 * (starting it if needed, which downloads once from Maven Central), then runs
 * the command with USERSTREAM_* pointing at it. The stack is left running for
 * the next run; `npm run stack -- down` stops it (CI does).
 */
import { spawn } from 'node:child_process';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: node scripts/with-stack.ts <command> [args...]\n');
  process.exit(2);
}

const node = process.execPath;
const cli = new URL('../src/cli/main.ts', import.meta.url).pathname;

function run(bin: string, argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(bin, argv, { stdio: 'inherit' });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const up = await run(node, [cli, 'stack', 'up']);
if (up !== 0) {
  process.stderr.write('with-stack: the local stack did not start; integration tests cannot run (see the line above)\n');
  process.exit(up);
}
process.exit(await run(cmd, args));
