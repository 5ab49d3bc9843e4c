/**
 * `node scripts/with-stack.ts [--kafka-mode kraft|zookeeper] [--secure] [--cluster] <command...>`:
 * makes sure the local stack runs (starting it if needed, which downloads
 * once from Maven Central), then runs the command with USERSTREAM_* pointing
 * at it. A service left running as another version or variant (the other
 * Kafka mode, the secure profile or not) is stopped first; the command sees
 * USERSTREAM_KAFKA_MODE, USERSTREAM_SECURE and USERSTREAM_CLUSTER. With
 * --cluster the single-node Kafka, Cassandra and Spark worker are stopped
 * first (the cluster's nodes take their ports). A ZooKeeper-mode Kafka and
 * its ZooKeeper, the secure Kafka and Cassandra, and the cluster's nodes are
 * stopped after the command, unless it passed and USERSTREAM_KEEP_STACK=true (set by
 * scripts/test.ts when the next stage runs on the same stack). The rest of the stack is left running for the next run;
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
  } else if (argv[0] === '--cluster') {
    process.env.USERSTREAM_CLUSTER = 'true';
    argv.splice(0, 1);
  } else {
    break;
  }
}
const [cmd, ...args] = argv;
if (!cmd) {
  process.stderr.write('usage: node scripts/with-stack.ts [--kafka-mode kraft|zookeeper] [--secure] [--cluster] <command> [args...]\n');
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
const wanted = stackServices(config);
const stale = wanted.filter((s) => {
  const running = readRunInfo(paths.runFile(s.name));
  return isOurs(running) && flavour(running) !== flavour(s);
});
// The other topology's services on the same ports (the single-node kafka under a cluster's kafka-1).
const excluded = [...new Set(wanted.flatMap((s) => s.excludes ?? []))].filter((name) => isOurs(readRunInfo(paths.runFile(name))));
if (stale.length > 0 || excluded.length > 0) {
  const names = [...stale.map((s) => s.name), ...excluded];
  if (names.includes('kafka') && config.kafkaMode === 'kraft') names.push('zookeeper');
  process.stderr.write(`with-stack: restarting ${names.join(', ')} as this run asks (--kafka-mode ${config.kafkaMode}${config.secure ? ', --secure' : ''}${config.cluster ? ', --cluster' : ''})\n`);
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
  // The cluster's nodes, and its Connect server (sized for its workers).
  ...(config.cluster ? wanted.filter((s) => /^(kafka|cassandra|spark-worker)-\d+$/.test(s.name) || s.name === 'spark-connect').map((s) => s.name) : []),
];
// Unless the next test stage runs on this same stack (scripts/test.ts says so): it starts once.
// A failed command stops the run, so nothing would use it then.
if (special.length > 0 && process.env.USERSTREAM_KEEP_STACK === 'true' && code === 0) {
  process.stderr.write(`with-stack: leaving ${[...new Set(special)].join(', ')} running for the next stage\n`);
} else if (special.length > 0) {
  await run(node, [cli, 'stack', 'down', ...new Set(special)]);
}
process.exit(code);
