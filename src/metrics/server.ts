import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { metrics } from './metrics.ts';

/** GET /metrics: this process's registry in Prometheus text format. */
export function addMetricsRoute(app: FastifyInstance): void {
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/**
 * With `--metrics-port`, serves this process's metrics at /metrics for
 * Prometheus; returns a function that closes the server (a no-op without).
 */
export async function serveMetrics(config: Pick<Config, 'metricsPort' | 'metricsHost'>, log: Logger): Promise<() => Promise<void>> {
  if (config.metricsPort === undefined) return async () => {};
  const app = Fastify({ logger: false });
  addMetricsRoute(app);
  try {
    await app.listen({ host: config.metricsHost, port: config.metricsPort });
  } catch (error) {
    throw new UserstreamError(
      ErrorCodes.STACK_PORT_TAKEN,
      `cannot serve metrics on ${config.metricsHost}:${config.metricsPort}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  log.info(`metrics on http://${config.metricsHost}:${config.metricsPort}/metrics`);
  return async () => {
    await app.close();
  };
}
