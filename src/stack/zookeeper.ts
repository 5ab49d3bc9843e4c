import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../config/options.ts';
import { LOOPBACK, serviceHost } from '../config/stack-addresses.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';
import {
  ZOOKEEPER_MAIN_CLASS, isHealthyAnswer, zookeeperArtifacts, zookeeperConfig, zookeeperJvmArgs, zookeeperLog4jConfig,
} from './zookeeper-recipe.ts';

export type ZookeeperStackConfig = Pick<Config, 'zookeeperVersion' | 'zookeeperPort'> & Partial<Pick<Config, 'stackHost'>>;

/** Sends a ZooKeeper four-letter command and resolves with the whole answer ('' on any failure). */
export function fourLetterWord(host: string, port: number, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect({ host, port });
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, done);
    socket.on('connect', () => socket.end(command));
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('close', done);
    socket.on('error', () => {
      answer = '';
      done();
    });
  });
}

/** Apache ZooKeeper, one standalone server: Kafka's coordinator in ZooKeeper mode. */
export function zookeeperService(config: ZookeeperStackConfig): ServiceDefinition {
  // Clients on loopback as a local process; in a container, on every address (the probe asks on loopback either way).
  const host = LOOPBACK;
  const { bind } = serviceHost(config);
  const files = (ctx: PrepareContext) => ({ cfg: join(ctx.dirs.conf, 'zoo.cfg'), log4j: join(ctx.dirs.conf, 'log4j2.properties') });
  return {
    name: 'zookeeper',
    version: config.zookeeperVersion,
    artifacts: zookeeperArtifacts(config.zookeeperVersion),
    ports: [{ port: config.zookeeperPort, what: 'ZooKeeper clients', flag: '--zookeeper-port' }],
    startTimeoutMs: 60_000,
    ownLog: 'zookeeper.log',
    async prepare(ctx) {
      const f = files(ctx);
      writeFileSync(f.cfg, zookeeperConfig({ dataDir: join(ctx.dirs.data, 'data'), host: bind, port: config.zookeeperPort }));
      writeFileSync(f.log4j, zookeeperLog4jConfig(ctx.ownLog));
    },
    javaArgs(ctx) {
      const f = files(ctx);
      return [...zookeeperJvmArgs({ heapMb: 256, log4jFile: f.log4j, logDir: ctx.dirs.data }), '-cp', join(ctx.dirs.lib, '*'), ZOOKEEPER_MAIN_CLASS, f.cfg];
    },
    probe: async () => isHealthyAnswer('srvr', await fourLetterWord(host, config.zookeeperPort, 'srvr')),
  };
}
