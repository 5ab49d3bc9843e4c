import Fastify, { type FastifyInstance } from 'fastify';
import { addMetricsRoute } from '../metrics/server.ts';
import { portraitSvg } from '../source/portrait.ts';
import type { DashboardCollector } from './collector.ts';
import { dashboardPage } from './page.ts';

/**
 * The dashboard's HTTP server: the page (/), live snapshots as server-sent
 * events (/events), the latest snapshot as JSON (/api/snapshot), this
 * process's Prometheus metrics (/metrics), portraits for offline pictures,
 * and /healthz. It needs of the collector only its latest snapshot and its
 * feed, so a test can serve a fixed snapshot.
 */
export function createDashboardServer(collector: Pick<DashboardCollector, 'latest' | 'subscribe'>): FastifyInstance {
  const app = Fastify({ logger: false });
  const page = dashboardPage();

  app.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return page;
  });

  app.get('/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const send = (s: unknown) => res.write(`event: snapshot\ndata: ${JSON.stringify(s)}\n\n`);
    if (collector.latest) send(collector.latest);
    const unsubscribe = collector.subscribe(send);
    // A comment line now and then keeps proxies from closing an idle stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  app.get('/api/snapshot', async (_request, reply) => {
    if (!collector.latest) return reply.code(503).send({ error: 'no snapshot yet' });
    return collector.latest;
  });

  addMetricsRoute(app);

  app.get<{ Params: { folder: string; file: string } }>('/portraits/:folder/:file', async (request, reply) => {
    const { folder, file } = request.params;
    const m = /^(\d{1,2})\.svg$/.exec(file);
    if ((folder !== 'men' && folder !== 'women') || !m) return reply.code(404).send({ error: 'no such portrait' });
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400');
    return portraitSvg(folder, Number(m[1]));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
