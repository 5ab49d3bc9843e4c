#!/usr/bin/env node
// The CLI is TypeScript run directly by Node's type stripping (Node 22.18+).
// Through npm (`npx userstream`, `npm start`) it runs on the Node 24 that the
// `node` dependency installs into node_modules/.bin.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `userstream: Node ${process.versions.node} is too old (22.18+ runs TypeScript directly); ` +
      'run it through npm (`npx userstream`), which uses the Node 24 from node_modules\n',
  );
  process.exit(2);
}
await import('../src/cli/main.ts');
