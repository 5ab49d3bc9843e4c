import type { Logger } from 'pino';
import type { Config } from '../config/options.ts';
import { LOOPBACK, httpBase } from '../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import type { HealthTarget } from '../health.ts';
import { DashboardCollector } from './collector.ts';
import { createDashboardServer } from './server.ts';

export interface RunningDashboard {
  url: string;
  collector: DashboardCollector;
  close(): Promise<void>;
}

/** Starts the collector and serves the dashboard on --dashboard-host:--dashboard-port. */
export async function startDashboard(
  config: Config,
  engine: 'node' | 'spark',
  log: Logger,
  services?: HealthTarget[],
): Promise<RunningDashboard> {
  const collector = new DashboardCollector({ config, engine, log, ...(services ? { services } : {}) });
  await collector.start();
  const server = createDashboardServer(collector);
  try {
    await server.listen({ host: config.dashboardHost, port: config.dashboardPort });
  } catch (error) {
    await collector.stop();
    throw new UserstreamError(
      ErrorCodes.STACK_PORT_TAKEN,
      `cannot serve the dashboard on ${config.dashboardHost}:${config.dashboardPort}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose another with --dashboard-port)`,
      { cause: error },
    );
  }
  const host = config.dashboardHost === '0.0.0.0' ? LOOPBACK : config.dashboardHost;
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.dashboardPort;
  return {
    url: `${httpBase(host, port)}/`,
    collector,
    async close() {
      // Open event streams would keep close() waiting.
      server.server.closeAllConnections?.();
      await server.close();
      await collector.stop();
    },
  };
}
