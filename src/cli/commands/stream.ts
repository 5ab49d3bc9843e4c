import { Command } from 'commander';
import { ENGINES, checkEngine, createEngine } from '../../engines/index.ts';
import { configFrom, withOptions } from '../options.ts';
import { onShutdown } from '../shutdown.ts';
import { serveMetrics } from '../../metrics/server.ts';

export { ENGINES, checkEngine };

export function streamCommand(): Command {
  return withOptions(new Command('stream'), ['kafka', 'cassandra', 'spark', 'metrics', 'general'])
    .description('consume the topic and upsert the users into Cassandra until Ctrl-C (bad messages go to the DLQ)')
    .option('--engine <engine>', 'stream engine: spark (Structured Streaming over Spark Connect, like the original) or node (a Kafka consumer group)', 'spark')
    .action(async (opts: { engine: string }, command: Command) => {
      const name = checkEngine(opts.engine);
      const { config, log } = configFrom(command);
      const engine = createEngine(name, { config, log });
      // Healthy once the engine runs: its consumer subscribed, or its Spark
      // queries launched (start() resolved); a blocked process does not answer.
      let state: 'starting' | 'running' | 'stopping' = 'starting';
      onShutdown(() => {
        state = 'stopping';
        log.info(`${name} engine: stopping; finishing what it holds`);
        void engine.stop();
      });
      const closeMetrics = await serveMetrics(config, log, () => ({ ok: state === 'running', state }));
      await engine.start();
      if (state === 'starting') state = 'running';
      const stats = setInterval(() => log.info(`${name} engine: ${JSON.stringify(engine.stats)}`), 10_000);
      stats.unref();
      try {
        await engine.finished;
      } finally {
        clearInterval(stats);
        await closeMetrics();
      }
      process.stdout.write(`stopped: ${engine.stats.written} written, ${engine.stats.deadLettered} dead-lettered\n`);
    });
}
