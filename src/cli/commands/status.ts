import { Admin } from '@platformatic/kafka';
import { Command } from 'commander';
import { countRows } from '../../cassandra/schema.ts';
import { connectCassandra } from '../../cassandra/session.ts';
import type { Config } from '../../config/options.ts';
import { sparkMasterUiUrl } from '../../config/stack-addresses.ts';
import { committedWhere, engineCommitted } from '../../engines/committed.ts';
import { endOffsets } from '../../kafka/admin.ts';
import { partitionStates, totalLag } from '../../kafka/lag.ts';
import { type CassandraNodeState, cassandraView, kafkaView, sparkWorkersView } from '../../cluster/health.ts';
import { baseKafkaOptions } from '../../kafka/client-options.ts';
import { stackServices } from '../../stack/index.ts';
import { stackPaths } from '../../stack/paths.ts';
import { flavour, stackStatus } from '../../stack/supervisor.ts';
import { configFrom, withOptions } from '../options.ts';
import { printTable } from '../table.ts';

interface TopicStatus {
  topic: string;
  partitions: { partition: number; end: number; node: number | null; spark: number | null }[];
  total: number;
  dlq: number;
  lag: { node: number | null; spark: number | null };
}

/** The node engine's group offsets (empty: it has committed nothing); undefined when Kafka does not answer. */
async function groupOffsets(config: Config): Promise<Map<number, bigint> | undefined> {
  const admin = new Admin({ ...baseKafkaOptions(config, 'userstream-status'), retries: 1 });
  try {
    return await engineCommitted('node', config, admin);
  } catch {
    return undefined;
  } finally {
    await admin.close().catch(() => {});
  }
}

async function topicStatus(config: Config): Promise<TopicStatus> {
  const [ends, dlqEnds, node, spark] = await Promise.all([
    endOffsets(config, config.topic),
    endOffsets(config, config.dlqTopic).catch(() => new Map<number, bigint>()),
    groupOffsets(config),
    engineCommitted('spark', config),
  ]);
  const byNode = partitionStates(ends, node);
  const bySpark = partitionStates(ends, spark);
  return {
    topic: config.topic,
    partitions: byNode.map((p, i) => ({ partition: p.partition, end: p.end, node: p.lag, spark: bySpark[i]!.lag })),
    total: byNode.reduce((s, p) => s + p.end, 0),
    dlq: [...dlqEnds.values()].reduce((s, o) => s + Number(o), 0),
    lag: { node: node ? totalLag(byNode) : null, spark: spark ? totalLag(bySpark) : null },
  };
}

/**
 * `userstream status`: the local stack's services, the topic's offsets and
 * each engine's lag per partition, and the rows in Cassandra, in one look.
 */
export function statusCommand(): Command {
  return withOptions(new Command('status'), ['kafka', 'cassandra', 'spark', 'stack', 'general'])
    .description('the services of the local stack, the topic (end offsets, each engine\'s lag per partition, dead-lettered), the rows in Cassandra, each broker, Cassandra node and Spark worker (up or down) and the under-replicated partitions; exit 1 when the topic or the rows cannot be read')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { config } = configFrom(command);
      const expectedBrokers = config.cluster ? Array.from({ length: config.kafkaNodes }, (_, i) => i + 1) : [];
      const [services, topic, cassandraPart, kafka, workers] = await Promise.all([
        stackStatus(stackServices(config, [], { everyMode: true }), stackPaths(config.stackHome)),
        topicStatus(config).catch((error: Error) => error),
        connectCassandra(config)
          .then(async (client) => {
            try {
              const nodes = await cassandraView(client);
              return { nodes, rows: await countRows(client, config).catch((error: Error) => error) };
            } finally {
              await client.shutdown();
            }
          })
          .catch((error: Error) => ({ nodes: [] as CassandraNodeState[], rows: error })),
        kafkaView(config, [config.topic, config.dlqTopic], expectedBrokers).catch((error: Error) => error),
        sparkWorkersView(sparkMasterUiUrl(config)),
      ]);
      const rows = cassandraPart.rows;
      // A part that cannot be read (no broker, a missing keyspace) is shown, and the exit code says so.
      if (topic instanceof Error || rows instanceof Error) process.exitCode = 1;
      if (opts.json) {
        const plain = (v: unknown) => (v instanceof Error ? { error: v.message } : v);
        process.stdout.write(
          `${JSON.stringify({ services, topic: plain(topic), rows: plain(rows), kafka: plain(kafka), cassandra: cassandraPart.nodes, sparkWorkers: workers ?? null }, null, 2)}\n`,
        );
        return;
      }
      printTable(['service', 'version', 'state', 'pid', 'ports'], services.map((s) => [s.name, flavour(s), s.state, s.pid === undefined ? '-' : String(s.pid), s.ports.join(',')]));
      process.stdout.write('\n');
      const show = (n: number | null) => (n === null ? '-' : String(n));
      if (topic instanceof Error) {
        process.stdout.write(`topic ${config.topic}: ${topic.message}\n`);
      } else {
        printTable(
          ['partition', 'end offset', 'node lag', 'spark lag'],
          [
            ...topic.partitions.map((p) => [String(p.partition), String(p.end), show(p.node), show(p.spark)]),
            ['all', String(topic.total), show(topic.lag.node), show(topic.lag.spark)],
          ],
        );
        process.stdout.write(`topic ${topic.topic}: ${topic.total} records; ${config.dlqTopic}: ${topic.dlq} dead-lettered` +
          ` (node lag: ${committedWhere('node', config)}; spark lag: ${committedWhere('spark', config)}; nothing committed = the whole topic;` +
          ' - = not known: the group could not be read, or no Spark checkpoint of this topic on this disk)\n');
      }
      process.stdout.write(rows instanceof Error ? `rows: ${rows.message}\n` : `rows in ${config.keyspace}.${config.table}: ${rows}\n`);
      process.stdout.write('\n');
      if (kafka instanceof Error) {
        process.stdout.write(`brokers: ${kafka.message}\n`);
      } else {
        printTable(['broker', 'address', 'state'], kafka.brokers.map((b) => [String(b.id), b.address ?? '-', b.up ? 'up' : 'down']));
        const urp = kafka.underReplicated;
        process.stdout.write(
          urp.length === 0
            ? `no under-replicated partition in ${Object.entries(kafka.replication).map(([t, rf]) => `${t} (replication factor ${rf})`).join(', ') || 'the topics'}\n`
            : `${urp.length} under-replicated partition(s): ${urp.map((p) => `${p.topic}/${p.partition} in sync ${p.isr.join(',') || 'none'} of ${p.replicas.join(',')}`).join('; ')}\n`,
        );
      }
      process.stdout.write('\n');
      if (cassandraPart.nodes.length > 0) printTable(['cassandra node', 'data centre', 'state'], cassandraPart.nodes.map((n) => [n.address, n.datacenter, n.up ? 'up' : 'down']));
      if (workers && workers.length > 0) {
        process.stdout.write('\n');
        printTable(['spark worker', 'address', 'state', 'cores used'], workers.map((w) => [w.id, w.address, w.state.toLowerCase(), `${w.coresUsed}/${w.cores}`]));
      }
    });
}
