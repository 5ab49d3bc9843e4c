/**
 * `node scripts/with-stack.ts [--kafka-mode kraft|zookeeper] [--secure] <command...>`:
 * makes sure the local stack runs (starting it if needed, which downloads
 * once from Maven Central), then runs the command with USERSTREAM_* pointing
 * at it. A service left running as another version or variant (the other
 * Kafka mode, the secure profile or not) is stopped first; the command sees
 * USERSTREAM_KAFKA_MODE and USERSTREAM_SECURE. A ZooKeeper-mode Kafka and its
 * ZooKeeper, and the secure Kafka and Cassandra, are stopped after the
 * command. The rest of the stack is left running for the next run;
 * `npx userstream stack down` stops it (CI does).
 */
import { spawn } from 'node:child_process';
import { loadConfig } from '../src/config/load.ts';
import { stackServices } from '../src/stack/index.ts';
import { flavour } from '../src/stack/supervisor.ts';
import { stackPaths } from '../src/stack/paths.ts';
import { isOurs, readRunInfo } from '../src/stack/process.ts';

const argv = process.argv.slice(2);
for (;;) {
  if (argv[0] === '--kafka-mode') {
    process.env.USERSTREAM_KAFKA_MODE = argv[1];
    argv.splice(0, 2);
  } else if (argv[0] === '--secure') {
    process.env.USERSTREAM_SECURE = 'true';
    argv.splice(0, 1);
  } else {
    break;
  }
}
const [cmd, ...args] = argv;
if (!cmd) {
  process.stderr.write('usage: node scripts/with-stack.ts [--kafka-mode kraft|zookeeper] [--secure] <command> [args...]\n');
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

// A service running as another version or variant (a Kafka of the other
// mode, the secure profile or not) holds the ports: stop it, and the
// ZooKeeper that served a ZooKeeper-mode Kafka.
const config = loadConfig({}, process.env);
const paths = stackPaths(config.stackHome);
const stale = stackServices(config).filter((s) => {
  const running = readRunInfo(paths.runFile(s.name));
  return isOurs(running) && flavour(running) !== flavour(s);
});
if (stale.length > 0) {
  const names = stale.map((s) => s.name);
  if (names.includes('kafka') && config.kafkaMode === 'kraft') names.push('zookeeper');
  process.stderr.write(`with-stack: restarting ${names.join(', ')} as this run asks (--kafka-mode ${config.kafkaMode}${config.secure ? ', --secure' : ''})\n`);
  await run(node, [cli, 'stack', 'down', ...names]);
}

const up = await run(node, [cli, 'stack', 'up']);
if (up !== 0) {
  process.stderr.write('with-stack: the local stack did not start; integration tests cannot run (see the line above)\n');
  process.exit(up);
}
const code = await run(cmd, args);
// Leave nothing of a special mode behind: the next plain run (`npm start`)
// would find a ZooKeeper-mode or secure Kafka, or a Cassandra asking for a login.
const special = [
  ...(config.kafkaMode === 'zookeeper' ? ['kafka', 'zookeeper'] : []),
  ...(config.secure ? ['kafka', 'cassandra'] : []),
];
if (special.length > 0) await run(node, [cli, 'stack', 'down', ...new Set(special)]);
process.exit(code);
