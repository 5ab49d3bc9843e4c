/**
 * `node scripts/with-stack.ts [--kafka-mode kraft|zookeeper] <command...>`:
 * makes sure the local stack runs (starting it if needed, which downloads
 * once from Maven Central), then runs the command with USERSTREAM_* pointing
 * at it. With a Kafka mode, a Kafka left running in the other mode is stopped
 * first, and the command sees USERSTREAM_KAFKA_MODE; a ZooKeeper-mode Kafka
 * and its ZooKeeper are stopped after the command. The rest of the stack is
 * left running for the next run; `npm run stack -- down` stops it (CI does).
 */
import { spawn } from 'node:child_process';
import { loadConfig } from '../src/config/load.ts';
import { kafkaService } from '../src/stack/kafka.ts';
import { stackPaths } from '../src/stack/paths.ts';
import { isOurs, readRunInfo } from '../src/stack/process.ts';

const argv = process.argv.slice(2);
if (argv[0] === '--kafka-mode') {
  process.env.USERSTREAM_KAFKA_MODE = argv[1];
  argv.splice(0, 2);
}
const [cmd, ...args] = argv;
if (!cmd) {
  process.stderr.write('usage: node scripts/with-stack.ts [--kafka-mode kraft|zookeeper] <command> [args...]\n');
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

// A Kafka of the other mode holds the port: stop it (and a ZooKeeper that served it).
const config = loadConfig({}, process.env);
const running = readRunInfo(stackPaths(config.stackHome).runFile('kafka'));
if (isOurs(running) && running.version !== kafkaService(config).version) {
  process.stderr.write(`with-stack: Kafka runs as ${running.version}; switching to ${config.kafkaMode} mode\n`);
  await run(node, [cli, 'stack', 'down', 'kafka', ...(config.kafkaMode === 'kraft' ? ['zookeeper'] : [])]);
}

const up = await run(node, [cli, 'stack', 'up']);
if (up !== 0) {
  process.stderr.write('with-stack: the local stack did not start; integration tests cannot run (see the line above)\n');
  process.exit(up);
}
const code = await run(cmd, args);
if (config.kafkaMode === 'zookeeper') {
  // Leave no ZooKeeper-mode Kafka behind: the next `npm start` (KRaft) starts its own.
  await run(node, [cli, 'stack', 'down', 'kafka', 'zookeeper']);
}
process.exit(code);
