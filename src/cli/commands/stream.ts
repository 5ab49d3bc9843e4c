import { Command } from 'commander';
import { NodeEngine } from '../../engines/node/engine.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { configFrom, withOptions } from '../options.ts';
import { onShutdown } from '../shutdown.ts';

export const ENGINES = ['node', 'spark'] as const;

export function checkEngine(engine: string): 'node' {
  if (engine === 'node') return engine;
  if (engine === 'spark') {
    throw new UserstreamError(ErrorCodes.USAGE, 'the spark engine is not built yet (issue #3); use --engine node');
  }
  throw new UserstreamError(ErrorCodes.USAGE, `unknown engine ${JSON.stringify(engine)}; choose one of ${ENGINES.join(', ')}`);
}

export function streamCommand(): Command {
  return withOptions(new Command('stream'), ['kafka', 'cassandra', 'general'])
    .description('consume the topic and upsert the users into Cassandra until Ctrl-C (bad messages go to the DLQ)')
    .option('--engine <engine>', `stream engine: ${ENGINES.join(' or ')}`, 'node')
    .action(async (opts: { engine: string }, command: Command) => {
      checkEngine(opts.engine);
      const { config, log } = configFrom(command);
      const engine = new NodeEngine({ config, log });
      onShutdown(() => {
        log.info('node engine: stopping; writing and committing what it holds');
        void engine.stop();
      });
      await engine.start();
      const stats = setInterval(() => log.info(`node engine: ${JSON.stringify(engine.stats)}`), 10_000);
      stats.unref();
      try {
        await engine.finished;
      } finally {
        clearInterval(stats);
      }
      process.stdout.write(`stopped: ${engine.stats.written} written, ${engine.stats.deadLettered} dead-lettered\n`);
    });
}
