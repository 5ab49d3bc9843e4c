/**
 * The built-in source over HTTP: a randomuser.me 1.4-compatible API
 * (`GET /api/?results=&seed=&page=&nat=&gender=&inc=&exc=&noinfo&format=`),
 * so that the HTTP client path is exercised against a local server and the
 * pipeline can run with no internet at all.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { applyFieldFilter, generateUsers } from './builtin/index.ts';
import { portraitSvg } from './portrait.ts';

export interface ApiServerOptions {
  /**
   * Origin written into picture URLs. Absent = taken from each request's
   * Host header, so the URLs point back at this server.
   */
  baseUrl?: string | undefined;
  /** Log each request (pino, to stdout). Default off. */
  logger?: boolean | undefined;
}

type Query = Record<string, string | string[] | undefined>;

/** The last value of a query parameter (`?a=1&a=2` → `2`), or undefined. */
function param(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Like the API: a non-integer is treated as absent. */
function intParam(query: Query, name: string): number | undefined {
  const v = param(query, name);
  if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return undefined;
  return Number(v);
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(','));

export function createApiServer(options: ApiServerOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });

  const baseFor = (request: FastifyRequest) => options.baseUrl ?? `${request.protocol}://${request.host}`;

  const answer = async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    const q = request.query;
    const format = param(q, 'format')?.toLowerCase();
    if (format !== undefined && format !== '' && format !== 'json' && format !== 'pretty' && format !== 'prettyjson') {
      return reply.code(400).send({ error: `unsupported format ${JSON.stringify(format)}: this server speaks json (and pretty)` });
    }
    const response = generateUsers({
      results: intParam(q, 'results'),
      seed: param(q, 'seed'),
      page: intParam(q, 'page'),
      nat: param(q, 'nat'),
      gender: param(q, 'gender')?.toLowerCase(),
      baseUrl: baseFor(request),
    });
    const inc = list(param(q, 'inc'));
    const exc = list(param(q, 'exc'));
    const results = inc || exc ? response.results.map((u) => applyFieldFilter(u, inc, exc)) : response.results;
    const body = q.noinfo === undefined ? { results, info: response.info } : { results };
    reply.type('application/json; charset=utf-8');
    return JSON.stringify(body, null, format === 'pretty' || format === 'prettyjson' ? 2 : undefined);
  };

  for (const path of ['/api', '/api/', '/api/1.4', '/api/1.4/']) app.get(path, answer);

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Picture URLs resolve to a placeholder portrait (an SVG, whatever the extension).
  const portrait = async (request: FastifyRequest<{ Params: { folder: string; file: string } }>, reply: FastifyReply) => {
    const { folder, file } = request.params;
    const match = /^(\d{1,2})\.jpg$/.exec(file);
    if ((folder !== 'men' && folder !== 'women') || !match) {
      return reply.code(404).send({ error: 'no such portrait' });
    }
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400');
    return portraitSvg(folder, Number(match[1]));
  };
  app.get('/api/portraits/:folder/:file', portrait);
  app.get('/api/portraits/med/:folder/:file', portrait);
  app.get('/api/portraits/thumb/:folder/:file', portrait);

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}; try GET /api/?results=10` });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const code = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    void reply.code(code).send({ error: error.message });
  });
  return app;
}
