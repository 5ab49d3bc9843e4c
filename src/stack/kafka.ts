import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { kafkaAnswers } from '../kafka/admin.ts';
import {
  KAFKA_MAIN_CLASS, kafkaArtifacts, kafkaFormatCommand, kafkaJvmArgs, kafkaLog4jConfig, kafkaServerProperties, kafkaZookeeperModeProperties, randomClusterId,
} from './kafka-recipe.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';
import { fourLetterWord } from './zookeeper.ts';
import { brokerStillRegistered } from './zookeeper-recipe.ts';

const run = promisify(execFile);

export type KafkaStackConfig = Pick<
  Config,
  'kafkaMode' | 'kafkaVersion' | 'kafkaZookeeperVersion' | 'kafkaPort' | 'kafkaControllerPort' | 'kafkaHeapMb' | 'partitions' | 'zookeeperPort'
>;

/** Kafka as the config asks: KRaft (the default) or a broker on ZooKeeper. */
export function kafkaService(config: KafkaStackConfig): ServiceDefinition {
  return config.kafkaMode === 'zookeeper' ? kafkaZookeeperModeService(config) : kafkaKraftService(config);
}

/** Apache Kafka 3.x in ZooKeeper mode: one broker; the `zookeeper` service is its coordinator. */
function kafkaZookeeperModeService(config: KafkaStackConfig): ServiceDefinition {
  const host = '127.0.0.1';
  const version = config.kafkaZookeeperVersion;
  const files = (ctx: PrepareContext) => ({
    properties: join(ctx.dirs.conf, 'server-zookeeper-mode.properties'),
    log4j: join(ctx.dirs.conf, 'log4j2.properties'),
    // Apart from the KRaft log: the two modes' metadata cannot share a folder.
    logDir: join(ctx.dirs.data, 'zookeeper-mode'),
  });
  return {
    name: 'kafka',
    version,
    after: ['zookeeper'],
    artifacts: kafkaArtifacts(version),
    ports: [{ port: config.kafkaPort, what: 'Kafka clients', flag: '--kafka-port' }],
    startTimeoutMs: 120_000,
    async prepare(ctx) {
      const f = files(ctx);
      writeFileSync(
        f.properties,
        kafkaZookeeperModeProperties({
          brokerId: 1, logDir: f.logDir, port: config.kafkaPort, host, partitions: config.partitions, zookeeperConnect: `${host}:${config.zookeeperPort}`,
        }),
      );
      writeFileSync(f.log4j, kafkaLog4jConfig(join(ctx.dirs.data, 'server.log')));
      // A broker that was killed stays registered until its ZooKeeper session
      // expires (18 s), and a new one with its id would exit at once: wait.
      const deadline = Date.now() + 30_000;
      while (brokerStillRegistered(await fourLetterWord(host, config.zookeeperPort, 'dump'), 1)) {
        if (Date.now() > deadline) {
          throw new UserstreamError(ErrorCodes.STACK_START, `broker 1 is still registered in ZooKeeper at ${host}:${config.zookeeperPort} after 30 s; is another broker using it?`);
        }
        ctx.reporter('waiting for the previous broker\'s ZooKeeper session to expire');
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    javaArgs(ctx) {
      const f = files(ctx);
      return [...kafkaJvmArgs({ heapMb: config.kafkaHeapMb, log4jFile: f.log4j, logDir: ctx.dirs.data }), '-cp', join(ctx.dirs.lib, '*'), KAFKA_MAIN_CLASS, f.properties];
    },
    probe: () => kafkaAnswers({ kafkaBrokers: [`${host}:${config.kafkaPort}`] }, 2000),
  };
}

/** Apache Kafka in KRaft mode: one process that is both broker and controller. */
function kafkaKraftService(config: KafkaStackConfig): ServiceDefinition {
  const host = '127.0.0.1';
  const files = (ctx: PrepareContext) => ({
    properties: join(ctx.dirs.conf, 'server.properties'),
    log4j: join(ctx.dirs.conf, 'log4j2.properties'),
    logDir: join(ctx.dirs.data, 'kraft'),
  });
  return {
    name: 'kafka',
    version: config.kafkaVersion,
    artifacts: kafkaArtifacts(config.kafkaVersion),
    ports: [
      { port: config.kafkaPort, what: 'Kafka clients', flag: '--kafka-port' },
      { port: config.kafkaControllerPort, what: 'KRaft controller', flag: '--kafka-controller-port' },
    ],
    startTimeoutMs: 120_000,
    async prepare(ctx) {
      const f = files(ctx);
      writeFileSync(
        f.properties,
        kafkaServerProperties({ nodeId: 1, logDir: f.logDir, port: config.kafkaPort, controllerPort: config.kafkaControllerPort, host, partitions: config.partitions }),
      );
      writeFileSync(f.log4j, kafkaLog4jConfig(join(ctx.dirs.data, 'server.log')));
      // KRaft storage is formatted once; its meta.properties then pins the cluster id.
      if (existsSync(join(f.logDir, 'meta.properties'))) return;
      const format = kafkaFormatCommand({ configFile: f.properties, clusterId: randomClusterId() });
      try {
        await run(ctx.java!.bin, [...kafkaJvmArgs({ heapMb: 256, log4jFile: f.log4j, logDir: ctx.dirs.data }), '-cp', join(ctx.dirs.lib, '*'), format.mainClass, ...format.args]);
      } catch (error) {
        const e = error as { stderr?: string; stdout?: string; message: string };
        const why = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-3).join(' ');
        throw new UserstreamError(ErrorCodes.STACK_START, `formatting Kafka storage in ${f.logDir} failed: ${why}`, { cause: error });
      }
    },
    javaArgs(ctx) {
      const f = files(ctx);
      return [...kafkaJvmArgs({ heapMb: config.kafkaHeapMb, log4jFile: f.log4j, logDir: ctx.dirs.data }), '-cp', join(ctx.dirs.lib, '*'), KAFKA_MAIN_CLASS, f.properties];
    },
    probe: () => kafkaAnswers({ kafkaBrokers: [`${host}:${config.kafkaPort}`] }, 2000),
  };
}
