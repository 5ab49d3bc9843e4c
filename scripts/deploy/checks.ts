/**
 * The deploy files' checks that need no Docker engine, as pure functions
 * over the project that compose-go resolved (its JSON) and the repository's
 * text: which variables the app's containers are given, which ports are
 * published, whether every ${VAR} has a line in .env.example.
 */
import { OTHER_ENV, envName, optionSpecs } from '../../src/config/options.ts';

/** The slice of compose-go's resolved project the checks read. */
export interface ResolvedProject {
  services: Record<string, ResolvedService>;
}

export interface ResolvedService {
  image?: string;
  build?: { context?: string; target?: string };
  environment?: Record<string, string | null>;
  ports?: { target: number; published?: string | number }[];
  profiles?: string[];
}

/** Every USERSTREAM_* name the app reads: the option table's and the others. */
export function appEnvNames(): Set<string> {
  return new Set([...Object.keys(optionSpecs).map(envName), ...Object.keys(OTHER_ENV)]);
}

/**
 * Which of our images a service runs: the app, Airflow with userstream, a
 * service of the stack run by `userstream stack run` (every other target of
 * the Dockerfile: kafka, cassandra, spark), or none of ours. A service with
 * no build of its own runs ours when another service builds its image.
 */
export function builtTarget(service: ResolvedService, project?: ResolvedProject): 'app' | 'airflow' | 'service' | undefined {
  const builder = service.build ? service : Object.values(project?.services ?? {}).find((s) => s.build && s.image !== undefined && s.image === service.image);
  const target = builder?.build?.target;
  if (target === undefined) return undefined;
  return target === 'app' || target === 'airflow' ? target : 'service';
}

/**
 * Problems with the variables services set:
 * - a USERSTREAM_* variable the app does not read (a typo is a setting silently ignored);
 * - in an app container, a variable that is neither the app's nor Node's;
 * - in an Airflow container, one that is neither Airflow's nor the app's;
 * - a USERSTREAM_* variable on a service that does not run userstream.
 */
export function envProblems(project: ResolvedProject, known: Set<string> = appEnvNames()): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    const target = builtTarget(service, project);
    for (const key of Object.keys(service.environment ?? {})) {
      const ours = key.startsWith('USERSTREAM_');
      if (ours && !target) {
        problems.push(`${name}: sets ${key}, but ${name} does not run userstream`);
      } else if (ours && !known.has(key)) {
        problems.push(`${name}: sets ${key}, which userstream does not read (see \`userstream config\`)`);
      } else if (!ours && (target === 'app' || target === 'service') && !/^NODE_/.test(key)) {
        problems.push(`${name}: sets ${key}, which is neither a USERSTREAM_* setting nor Node's`);
      } else if (!ours && target === 'airflow' && !/^_?AIRFLOW/.test(key)) {
        problems.push(`${name}: sets ${key}, which is neither Airflow's nor userstream's`);
      }
    }
  }
  return problems;
}

/** Variables interpolated in a compose file (`${VAR}`, `${VAR:-x}`, `${VAR:?x}`; not `$${…}`). */
export function interpolatedNames(composeText: string): Set<string> {
  const names = new Set<string>();
  for (const m of composeText.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  return names;
}

/** KEY=VALUE lines of an env file (comments and blanks skipped). */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/**
 * .env.example must name every interpolated variable, and commit no secret:
 * a variable whose name says it is a password, key or secret is empty.
 */
export function envFileProblems(composeText: string, envText: string): string[] {
  const env = parseEnvFile(envText);
  const problems: string[] = [];
  for (const name of interpolatedNames(composeText)) {
    if (!env.has(name)) problems.push(`compose.yaml uses \${${name}}, which .env.example does not list`);
  }
  for (const [name, value] of env) {
    if (/PASSWORD|SECRET|_KEY$|TOKEN/.test(name) && value !== '') problems.push(`.env.example: ${name} has a value; credentials are never committed`);
  }
  return problems;
}

/** Host ports the project publishes, by service. */
export function publishedPorts(project: ResolvedProject): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [name, service] of Object.entries(project.services)) {
    const ports = (service.ports ?? []).flatMap((p) => (p.published === undefined ? [] : [Number(p.published)]));
    if (ports.length > 0) out.set(name, ports);
  }
  return out;
}

/** `USERSTREAM_*` names in `ENV` instructions of a Dockerfile. */
export function dockerfileEnvNames(text: string): string[] {
  const joined = text.replace(/\\\n/g, ' ');
  const names: string[] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!m) continue;
    for (const pair of m[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)) names.push(pair[1]!);
  }
  return names.filter((n) => n.startsWith('USERSTREAM_'));
}
