/**
 * `node scripts/gen-spark-connect.ts [--force]`: generates the Spark Connect
 * protobuf code for src/spark-connect/ from the .proto files that ship inside
 * the spark-connect jar on Maven Central (never committed).
 *
 * The jar comes through the local stack's Maven cache (the same download the
 * Spark services use); the protos are extracted into .stack/cache/ and
 * compiled with buf + protoc-gen-es to JavaScript with type declarations
 * (Node runs the project's TypeScript by type stripping, which cannot run
 * the enums that a TypeScript target would contain).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/load.ts';
import { resolveClasspath } from '../src/stack/maven.ts';
import { stackPaths } from '../src/stack/paths.ts';
import { sparkArtifacts } from '../src/stack/spark-recipe.ts';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'src', 'spark-connect', 'gen');
const config = loadConfig({}, process.env);
const version = config.sparkVersion;
const stamp = join(out, `.generated-from-spark-${version}`);

if (existsSync(stamp) && !process.argv.includes('--force')) process.exit(0);

const paths = stackPaths(resolve(root, config.stackHome));
process.stderr.write(`gen-spark-connect: Spark Connect ${version} protos from Maven Central\n`);
const lib = await resolveClasspath({ dir: join(paths.cache, `spark-${version}`), artifacts: sparkArtifacts(version), repo: paths.mavenRepo });
const jar = readdirSync(lib).find((f) => f.startsWith('spark-connect_2.12-'));
if (!jar) throw new Error(`no spark-connect jar in ${lib}`);

const protoDir = join(paths.cache, `spark-connect-protos-${version}`);
rmSync(protoDir, { recursive: true, force: true });
mkdirSync(protoDir, { recursive: true });
// `jar` ships with every JDK, which the local stack needs anyway.
execFileSync('jar', ['xf', join(lib, jar), 'spark/connect/', 'google/rpc/status.proto', 'google/rpc/error_details.proto'], { cwd: protoDir, stdio: 'inherit' });

const template = {
  version: 'v2',
  plugins: [
    {
      local: join(root, 'node_modules', '.bin', 'protoc-gen-es'),
      out,
      opt: ['target=js+dts', 'import_extension=js'],
    },
  ],
};
rmSync(out, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'buf'), ['generate', protoDir, '--template', JSON.stringify(template)], {
  cwd: root,
  stdio: 'inherit',
});
writeFileSync(stamp, `${new Date().toISOString()}\n`);
process.stderr.write(`gen-spark-connect: wrote ${out}\n`);
