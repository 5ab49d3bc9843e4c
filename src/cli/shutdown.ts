/**
 * SIGINT/SIGTERM run `handler` once so the command can finish cleanly
 * (flush, commit, close); a second signal exits at once.
 */
export function onShutdown(handler: () => void): void {
  let signalled = false;
  const on = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`userstream: second ${signal}; exiting without cleanup\n`);
      process.exit(130);
    }
    signalled = true;
    handler();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
}
