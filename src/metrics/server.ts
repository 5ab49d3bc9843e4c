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

/** What a long-running command says of itself at /healthz: 200 when `ok`, else 503, with its state. */
export type Health = () => { ok: boolean; state: string };

/**
 * With `--metrics-port`, serves this process's metrics at /metrics for
 * Prometheus, and with `health` its /healthz (a container's health check);
 * returns a function that closes the server (a no-op without).
 */
export async function serveMetrics(config: Pick<Config, 'metricsPort' | 'metricsHost'>, log: Logger, health?: Health): Promise<() => Promise<void>> {
  if (config.metricsPort === undefined) return async () => {};
  const app = Fastify({ logger: false });
  addMetricsRoute(app);
  if (health) {
    app.get('/healthz', async (_request, reply) => {
      const h = health();
      return reply.code(h.ok ? 200 : 503).send({ status: h.state });
    });
  }
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
