import { cpSync, createReadStream, existsSync, readFileSync, statSync, watchFile } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command } from 'commander';
import { kafkaSecureStackBroker } from '../../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { INSTANCE_NAME, SERVICE_GROUPS, SERVICE_NAMES, stackServices } from '../../stack/index.ts';
import { stackPaths } from '../../stack/paths.ts';
import { secretFiles } from '../../stack/secrets.ts';
import type { Config } from '../../config/options.ts';
import type { ServiceDefinition } from '../../stack/service.ts';
import { ownLogFile, serviceLogFiles } from '../../stack/log-config.ts';
import { fetchClasspath, flavour, stackDown, stackStatus } from '../../stack/supervisor.ts';
import { configFrom, withOptions } from '../options.ts';
import { bringUp } from '../bring-up.ts';
import { createReporter } from '../reporter.ts';
import { printTable } from '../table.ts';

function checkNames(names: string[]): string[] {
  for (const n of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(n) && !(n in SERVICE_GROUPS) && !INSTANCE_NAME.test(n)) {
      throw new UserstreamError(
        ErrorCodes.USAGE,
        `unknown service ${JSON.stringify(n)}; the stack has ${SERVICE_NAMES.join(', ')} (groups: spark, airflow; with --cluster: kafka-N, cassandra-N, spark-worker-N, and kafka and cassandra for all of them)`,
      );
    }
  }
  return names;
}

export function stackCommand(): Command {
  const stack = new Command('stack').description('the local stack: Kafka (KRaft, or on ZooKeeper with --kafka-mode zookeeper), Cassandra, Spark (master, worker, Connect server), PostgreSQL, the Schema Registry (Apicurio) and Airflow as local processes, no Docker');

  withOptions(stack.command('up').argument('[services...]', `some of: ${SERVICE_NAMES.join(', ')}, or the groups spark and airflow (default: all); a service brings what it needs`), ['stack', 'general'])
    .description('download (once, from Maven Central) and start the services; wait until each answers; reuse what already runs')
    .action(async (names: string[], _opts, command: Command) => {
      const { config } = configFrom(command);
      const paths = stackPaths(config.stackHome);
      if (names.includes('zookeeper') && config.kafkaMode !== 'zookeeper') {
        throw new UserstreamError(ErrorCodes.USAGE, 'zookeeper runs only with Kafka in ZooKeeper mode: add --kafka-mode zookeeper');
      }
      await bringUp(config, checkNames(names), (line) => process.stderr.write(`userstream: ${line}\n`));
      process.stdout.write(`stack is up; data and logs in ${paths.home}\n`);
      if (config.secure) {
        process.stdout.write(
          `secure profile: Kafka SASL_SSL (SCRAM-SHA-512) on ${kafkaSecureStackBroker(config)}, Cassandra with PasswordAuthenticator; ` +
            `a client's settings (with the generated passwords) are in ${secretFiles(config.stackHome).clientEnv}: userstream <command> --env-file <that file>\n`,
        );
      }
    });

  withOptions(stack.command('down').argument('[services...]', 'some of the services (default: all)'), ['stack', 'general'])
    .description('stop the services this stack started (nothing else); data is kept')
    .action(async (names: string[], _opts, command: Command) => {
      const { config } = configFrom(command);
      const reporter = createReporter();
      try {
        await stackDown(stackServices(config, checkNames(names), { withDependencies: false, everyMode: true }), stackPaths(config.stackHome), reporter);
      } finally {
        reporter.close();
      }
    });

  withOptions(stack.command('status'), ['stack', 'general'])
    .description('show each service: running (ours and answering), starting, stopped, or foreign (answering but not started by us)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const statuses = await stackStatus(stackServices(config, [], { everyMode: true }), stackPaths(config.stackHome));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
        return;
      }
      const rows = statuses.map((s) => [s.name, flavour(s), s.state, s.pid === undefined ? '-' : String(s.pid), s.ports.join(',')]);
      printTable(['service', 'version', 'state', 'pid', 'ports'], rows);
    });

  withOptions(stack.command('logs').argument('[service]', `one of ${SERVICE_NAMES.join(', ')}, or with --cluster kafka-N, cassandra-N, spark-worker-N (default: all)`), ['stack', 'general'])
    .description("print the last lines of the service logs: a JVM service's own log (.stack/data/<service>/server.log and the like), and its output (.stack/logs/<service>.log) when that holds anything")
    .option('-n, --lines <n>', 'lines per service', '40')
    .option('-f, --follow', 'keep printing new lines')
    .action(async (name: string | undefined, opts: { lines: string; follow?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const paths = stackPaths(config.stackHome);
      const services = name ? stackServices(config, checkNames([name]), { withDependencies: false, everyMode: true }) : stackServices(config, [], { everyMode: true });
      for (const service of services) {
        const files = serviceLogFiles(service, paths);
        if (files.length === 0) {
          process.stdout.write(`== ${service.name}: no log yet (${ownLogFile(service, paths) ?? paths.log(service.name)})\n`);
          continue;
        }
        for (const file of files) {
          process.stdout.write(`== ${service.name} (${file})\n`);
          const lines = readFileSync(file, 'utf8').split('\n');
          process.stdout.write(`${lines.slice(-Number(opts.lines) - 1).join('\n')}\n`);
          if (opts.follow) follow(file, statSync(file).size);
        }
      }
      if (opts.follow) await new Promise(() => {});
    });

  withOptions(stack.command('run').argument('<service>', `one of ${SERVICE_NAMES.join(', ')}`), ['stack', 'general'])
    .description("run one service in the foreground, as a container's process: prepared as `up` prepares it, its output on ours, stopped by SIGTERM; set --stack-host to its name on the container network")
    .action(async (name: string, _opts, command: Command) => {
      const { config } = configFrom(command);
      const service = oneService(config, name);
      const { runInForeground } = await import('../../stack/foreground.ts');
      process.exitCode = await runInForeground(service, stackPaths(config.stackHome), { javaHome: config.javaHome, reporter: createReporter() });
    });

  withOptions(stack.command('fetch').argument('<services...>', 'the services whose classpaths to download'), ['stack', 'general'])
    .description('download what the services run into <stack-home>/cache without starting anything: their classpaths from Maven Central, the registry\'s distribution, Airflow\'s virtualenv from PyPI (a container image is built with it)')
    .option('--into <dir>', 'also copy each service\'s folder of the cache to <dir>/cache/, without Maven\'s repository (what an image keeps)')
    .action(async (names: string[], opts: { into?: string }, command: Command) => {
      const { config } = configFrom(command);
      const paths = stackPaths(config.stackHome);
      const reporter = createReporter();
      try {
        for (const name of names) {
          const service = oneService(config, name);
          const lib = await fetchClasspath(service, paths, reporter);
          reporter.done(service.name, `classpath in ${dirname(lib)}`);
          if (opts.into) cpSync(dirname(lib), join(opts.into, 'cache', basename(dirname(lib))), { recursive: true });
        }
      } finally {
        reporter.close();
      }
    });

  withOptions(stack.command('probe').argument('<service>', `one of ${SERVICE_NAMES.join(', ')}`), ['stack', 'general'])
    .description("exit 0 when the service answers as `up` checks it (a container's health check) and, run by `stack run`, has finished starting (a ring node: the ring is ready), else 1")
    .action(async (name: string, _opts, command: Command) => {
      const { config } = configFrom(command);
      const service = oneService(config, name);
      const answers = await service.probe().catch(() => false);
      const starting = existsSync(stackPaths(config.stackHome).startingFile(service.name));
      process.stdout.write(`${service.name}: ${!answers ? 'does not answer' : starting ? 'answers, still starting' : 'answers'}\n`);
      process.exitCode = answers && !starting ? 0 : 1;
    });

  return stack;
}

/** The one service a name means (not a group). */
function oneService(config: Config, name: string): ServiceDefinition {
  const [service, ...more] = stackServices(config, checkNames([name]), { withDependencies: false });
  if (!service || more.length > 0) throw new UserstreamError(ErrorCodes.USAGE, `${name} names ${more.length + 1} services; name one of them`);
  return service;
}

function follow(file: string, from: number): void {
  let position = from;
  watchFile(file, { interval: 500 }, (curr) => {
    if (curr.size <= position) {
      position = Math.min(position, curr.size);
      return;
    }
    createReadStream(file, { start: position, end: curr.size - 1 }).pipe(process.stdout, { end: false });
    position = curr.size;
  });
}
