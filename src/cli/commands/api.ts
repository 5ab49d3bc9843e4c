import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { httpBase } from '../../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { onShutdown } from '../shutdown.ts';

export function apiCommand(): Command {
  return new Command('api')
    .description('serve the built-in randomuser-compatible source over HTTP (GET /api/?results=N&seed=S&page=P&nat=gb,fr)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8000')
    .option('--public-url <url>', "origin of the picture URLs in the answers, as clients reach this server (in a container: the published address); default: http://<host>:<port>")
    .option('--verbose', 'print stack traces of errors')
    .action(async (opts: { host: string; port: string; publicUrl?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UserstreamError(ErrorCodes.CONFIG, `invalid --port ${JSON.stringify(opts.port)}: expected 0-65535`);
      }
      if (opts.publicUrl !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(opts.publicUrl)) {
        throw new UserstreamError(ErrorCodes.CONFIG, `invalid --public-url ${JSON.stringify(opts.publicUrl)}: expected http(s)://host[:port]`);
      }
      const base = opts.publicUrl?.replace(/\/$/, '') ?? httpBase(opts.host, port);
      // Loaded on use: fastify is only needed by this command.
      const { createApiServer } = await import('../../source/server.ts');
      const server = createApiServer({ baseUrl: base });
      // Hooks cannot be added once the server listens.
      const closed = new Promise<void>((resolve) => server.addHook('onClose', (_instance, done: () => void) => {
        resolve();
        done();
      }));
      try {
        await server.listen({ host: opts.host, port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UserstreamError(ErrorCodes.STACK_PORT_TAKEN, `cannot listen on ${opts.host}:${port}: ${code ?? (error as Error).message}`);
      }
      const address = server.server.address() as AddressInfo | null;
      process.stdout.write(`randomuser-compatible API on http://${opts.host}:${address?.port ?? port}/api/\n`);
      onShutdown(() => void server.close());
      await closed;
    });
}
