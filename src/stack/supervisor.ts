import { dirname, join } from 'node:path';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { every, until } from '../retry.ts';
import { findJava, findJavaAtLeast } from './java.ts';
import { ownLogFile, serviceLogTails } from './log-config.ts';
import { classpathResolved, classpathSize, progressBar, resolveClasspath } from './maven.ts';
import type { StackPaths } from './paths.ts';
import {
  isOurs, portIsFree, processStartTicks, readRunInfo, removeRunInfo, startDetached, stopProcess, writeRunInfo, type RunInfo,
} from './process.ts';
import type { PrepareContext, ServiceCommand, ServiceDefinition, ServiceDirs } from './service.ts';
import { claimStart } from './start-claim.ts';

export interface StackReporter {
  update(service: string, text: string): void;
  done(service: string, text: string): void;
}

export interface ServiceStatus {
  name: string;
  version: string;
  variant?: string;
  state: 'running' | 'starting' | 'stopped' | 'foreign';
  pid?: number;
  ports: number[];
}

/** A service's version and variant, as `stack status` shows it: `4.1.1`, `4.1.1 secure`. */
export function flavour(s: { version: string; variant?: string | undefined }): string {
  return s.variant ? `${s.version} ${s.variant}` : s.version;
}

export interface UpOptions {
  javaHome: string | undefined;
  reporter: StackReporter;
  /**
   * The rest of the stack: one of these that runs and holds sessions to a
   * service this `up` started afresh is restarted too (see `holdsSessionsTo`).
   */
  others?: ServiceDefinition[];
  /** A one-line notice for the terminal (a restart and its reason). */
  warn?: (line: string) => void;
}

/**
 * Brings every service up, in parallel: reuse what already runs (ours and
 * healthy), otherwise resolve, prepare, start and wait for the probe.
 */
export async function stackUp(services: ServiceDefinition[], paths: StackPaths, options: UpOptions): Promise<void> {
  // Before anything starts: a service of ours running at another version
  // (say Kafka 4 in KRaft mode when ZooKeeper mode is asked for) is not reused.
  for (const service of services) {
    for (const other of service.excludes ?? []) {
      const info = readRunInfo(paths.runFile(other));
      if (isOurs(info)) {
        throw new UserstreamError(
          ErrorCodes.STACK_START,
          `${service.name} cannot run beside ${other} (pid ${info.pid}, the other topology: --cluster or not); stop it first: userstream stack down ${other}`,
        );
      }
    }
    const running = readRunInfo(paths.runFile(service.name));
    if (isOurs(running) && flavour(running) !== flavour(service)) {
      throw new UserstreamError(
        ErrorCodes.STACK_START,
        `${service.name} is running as version ${flavour(running)} (pid ${running.pid}), not the ${flavour(service)} asked for` +
          ` (a different version, --kafka-mode or --secure); stop it first: userstream stack down ${service.name}`,
      );
    }
  }
  // Independent services start in parallel; one with `after` waits for those it names.
  const started = new Map<string, Promise<'started' | 'reused'>>();
  const knockOn = new Set<unknown>();
  for (const service of services) {
    const deps = (service.after ?? []).flatMap((name) => started.get(name) ?? []);
    started.set(
      service.name,
      Promise.all(deps).then(
        () => serviceUp(service, paths, options),
        () => {
          const error = new UserstreamError(ErrorCodes.STACK_START, `${service.name}: not started because ${service.after!.join(', ')} did not start`);
          knockOn.add(error);
          throw error;
        },
      ),
    );
  }
  const results = await Promise.allSettled(started.values());
  let failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length === 0) {
    const fresh = new Set([...started.keys()].filter((_, i) => (results[i] as PromiseFulfilledResult<string>).value === 'started'));
    await restartHolders(fresh, services, results.map((r) => (r as PromiseFulfilledResult<string>).value), paths, options);
  }
  // Report the causes, not the services that only waited for them.
  if (failures.some((f) => !knockOn.has(f))) failures = failures.filter((f) => !knockOn.has(f));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new UserstreamError(ErrorCodes.STACK_START, failures.map((f) => f.message).join('; '), { cause: new AggregateError(failures) });
  }
}

/**
 * A service that was reused (or runs outside this `up`) while one it holds
 * sessions to was started afresh: its connections point at a process that
 * is gone (executors that tried Cassandra while it was down, a Kafka
 * client of the old broker). Restart it, after what it depends on is up.
 */
async function restartHolders(
  fresh: Set<string>,
  services: ServiceDefinition[],
  outcomes: string[],
  paths: StackPaths,
  options: UpOptions,
): Promise<void> {
  if (fresh.size === 0) return;
  const reused = services.filter((_, i) => outcomes[i] === 'reused');
  const running = (options.others ?? []).filter((s) => !services.some((x) => x.name === s.name) && isOurs(readRunInfo(paths.runFile(s.name))));
  for (const service of [...reused, ...running]) {
    const stale = (service.holdsSessionsTo ?? []).filter((name) => fresh.has(name));
    if (stale.length === 0) continue;
    const info = readRunInfo(paths.runFile(service.name));
    if (!isOurs(info)) continue;
    options.warn?.(`${service.name}: restarting it, because ${stale.join(' and ')} started again under it (its sessions were to the old process)`);
    options.reporter.update(service.name, `restarting (pid ${info.pid}): ${stale.join(' and ')} started again`);
    await stopProcess(info.pid);
    removeRunInfo(paths.runFile(service.name));
    await serviceUp(service, paths, options);
  }
}

/**
 * Starts a service or reuses the one of ours that runs, one start of it at a
 * time in the stack folder (see start-claim.ts): a second start waits, then
 * finds the first one's process and reuses it.
 */
async function serviceUp(service: ServiceDefinition, paths: StackPaths, options: UpOptions): Promise<'started' | 'reused'> {
  const release = await claimStart(paths.runDir, service.name, (holder) =>
    options.reporter.update(service.name, `another userstream (pid ${holder}) is starting it; waiting`),
  );
  try {
    return await startOrReuse(service, paths, options);
  } finally {
    release();
  }
}

async function startOrReuse(service: ServiceDefinition, paths: StackPaths, options: UpOptions): Promise<'started' | 'reused'> {
  const { reporter } = options;
  const runFile = paths.runFile(service.name);
  const { recorded: previous, running } = ourProcess(service, paths);
  if (running) {
    if (running !== previous) writeRunInfo(runFile, running);
    reporter.update(service.name, `already started (pid ${running.pid}); checking it answers`);
    await waitForProbe(service, running, paths, 60_000);
    await service.afterStart?.(context(service, paths, libDir(service, paths), undefined, reporter));
    reporter.done(service.name, `running (pid ${running.pid}, ${running === previous ? 'reused' : 'adopted: it ran without a run file'})`);
    return 'reused';
  }
  removeRunInfo(runFile);
  for (const { port, what, flag, host } of service.ports) {
    if (!(await portIsFree(port, host))) {
      throw new UserstreamError(
        ErrorCodes.STACK_PORT_TAKEN,
        `${service.name}: port ${host ? `${host}:` : ''}${port} (${what}) is taken by a process userstream did not start; stop it or choose another with ${flag}`,
      );
    }
  }
  const { ctx, cmd } = await prepareRun(service, paths, options);
  const pid = startDetached(cmd.bin, cmd.args, {
    logFile: ctx.dirs.log,
    cwd: ctx.dirs.data,
    ...(service.env ? { env: service.env(ctx) } : {}),
    ...(cmd.uid === undefined ? {} : { uid: cmd.uid }),
    ...(cmd.gid === undefined ? {} : { gid: cmd.gid }),
  });
  const info = runInfo(service, pid, cmd.marker);
  writeRunInfo(runFile, info);
  reporter.update(service.name, `started (pid ${pid}); waiting until it answers`);
  const started = Date.now();
  await waitForProbe(service, info, paths, service.startTimeoutMs);
  await service.afterStart?.(ctx);
  reporter.done(service.name, `running (pid ${pid}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 'started';
}

/** What starting a service runs: its prepared folders and files, and its command. */
export interface PreparedRun {
  ctx: PrepareContext;
  cmd: ServiceCommand;
}

/**
 * Everything before a service's process starts: the JDK found, the
 * classpath resolved (downloaded once), the service prepared (its config
 * files written, storage formatted). Both ways of running a service use it:
 * detached, by `up`, and in the foreground, as a container's one process.
 */
export async function prepareRun(
  service: ServiceDefinition,
  paths: StackPaths,
  options: Pick<UpOptions, 'javaHome' | 'reporter'> & { foreground?: boolean },
): Promise<PreparedRun> {
  const { reporter } = options;
  const java = service.noJava
    ? undefined
    : service.javaMin
      ? await findJavaAtLeast(service.javaMin, service.javaHome, options.javaHome)
      : await findJava(options.javaHome);
  const classpath = await fetchClasspath(service, paths, reporter);
  const ctx = context(service, paths, classpath, java, reporter, options.foreground);
  if (service.artifacts.length > 0) {
    const size = classpathSize(classpath);
    reporter.update(service.name, `preparing (${size.jars} jars, ${(size.bytes / 1e6).toFixed(0)} MB)`);
  } else {
    reporter.update(service.name, 'preparing');
  }
  await service.prepare(ctx);
  const cmd = service.command
    ? service.command(ctx)
    : { bin: java!.bin, args: [ctx.marker, ...service.javaArgs!(ctx)], marker: ctx.marker };
  return { ctx, cmd };
}

/**
 * The service's classpath, resolved from Maven Central once into
 * cache/<classpath>-<version>/lib (a service without artifacts: that
 * folder, unresolved), after its install (a virtualenv beside it). A
 * container image runs this when it is built, so the container finds it all
 * there and downloads nothing.
 */
export async function fetchClasspath(service: ServiceDefinition, paths: StackPaths, reporter: StackReporter): Promise<string> {
  const classpath = libDir(service, paths);
  await service.install?.({ paths, reporter: (text) => reporter.update(service.name, text) });
  if (service.artifacts.length > 0) {
    if (classpathResolved(dirname(classpath), service.artifacts)) return classpath;
    reporter.update(service.name, 'resolving artifacts from Maven Central');
    return resolveClasspath({
      dir: join(classpath, '..'),
      artifacts: service.artifacts,
      repo: paths.mavenRepo,
      onProgress: ({ jars, total, bytes }) =>
        reporter.update(
          service.name,
          total === undefined
            ? `downloading from Maven Central: ${jars} jars, ${(bytes / 1e6).toFixed(1)} MB`
            : `downloading from Maven Central ${progressBar(jars, total)} jars, ${(bytes / 1e6).toFixed(1)} MB`,
        ),
    });
  }
  return classpath;
}

/** Where a service's classpath is resolved: cache/<classpath>-<version>/lib. */
function libDir(service: ServiceDefinition, paths: StackPaths): string {
  return join(paths.cache, `${service.classpath ?? service.name}-${service.version}`, 'lib');
}

function dirs(service: ServiceDefinition, paths: StackPaths, lib: string): ServiceDirs {
  return { lib, data: paths.data(service.name), conf: paths.conf(service.name), log: paths.log(service.name) };
}

function context(service: ServiceDefinition, paths: StackPaths, lib: string, java: PrepareContext['java'], reporter: StackReporter, foreground = false): PrepareContext {
  return {
    java,
    paths,
    ownLog: foreground ? undefined : ownLogFile(service, paths),
    marker: `-Duserstream.service=${service.name}`,
    dirs: dirs(service, paths, lib),
    reporter: (text) => reporter.update(service.name, text),
  };
}

/** The record of a process of this service: what `down` and the next `up` check before trusting the pid. */
function runInfo(service: ServiceDefinition, pid: number, marker: string): RunInfo {
  const startTicks = processStartTicks(pid);
  return {
    service: service.name,
    pid,
    version: service.version,
    ...(service.variant ? { variant: service.variant } : {}),
    ports: service.ports.map((p) => p.port),
    startedAt: new Date().toISOString(),
    marker,
    ...(startTicks === undefined ? {} : { startTicks }),
  };
}

/**
 * The process of ours that runs this service: the one its run file records,
 * else one the service's own bookkeeping finds without a record (`running`
 * is then not `recorded`).
 */
function ourProcess(service: ServiceDefinition, paths: StackPaths): { recorded: RunInfo | undefined; running: RunInfo | undefined } {
  const recorded = readRunInfo(paths.runFile(service.name));
  return { recorded, running: isOurs(recorded) ? recorded : orphanOf(service, paths) };
}

/** A process of ours running without a run file, found by the service's own bookkeeping (ServiceDefinition.orphan). */
function orphanOf(service: ServiceDefinition, paths: StackPaths): RunInfo | undefined {
  const found = service.orphan?.(dirs(service, paths, libDir(service, paths)));
  if (!found) return undefined;
  const info = runInfo(service, found.pid, found.marker);
  return isOurs(info) ? info : undefined;
}

/**
 * Waits for the probe while the process `info` names runs. That process is
 * watched, not the run file: other userstream commands write and remove run
 * files too (a concurrent start, `down`), and a record that changed under
 * us does not mean our process exited. Reading it here made `up` report a
 * running, ready postgres as "exited during start-up" and delete its record.
 */
async function waitForProbe(service: ServiceDefinition, info: RunInfo, paths: StackPaths, timeoutMs: number): Promise<void> {
  const { pid } = info;
  await untilAnswers(service, {
    timeoutMs,
    exited: () => {
      if (isOurs(info)) return undefined;
      removeRunInfo(paths.runFile(service.name));
      const logs = serviceLogTails(service, paths);
      return new UserstreamError(ErrorCodes.STACK_START, `${service.name} exited during start-up (pid ${pid}); ${logs ? `the end of its logs:\n${logs}` : `it logged nothing (${paths.log(service.name)} is empty)`}`);
    },
    notYet: `(pid ${pid} still running); see ${paths.log(service.name)}`,
  });
}

/**
 * Waits until the service answers its probe, checked every 500 ms for
 * `timeoutMs`, while its process runs: `exited` says why not when it no
 * longer does, and that ends the wait. Past the deadline the failure names
 * the service and the time, then `notYet`. A detached start (`up`) and a
 * container's foreground process (`stack run`) wait the same way.
 */
export async function untilAnswers(service: ServiceDefinition, o: { timeoutMs: number; exited: () => Error | undefined; notYet: string }): Promise<void> {
  await until(
    `${service.name} to answer`,
    async () => {
      const gone = o.exited();
      if (gone) throw gone;
      return (await service.probe().catch(() => false)) ? { done: true, value: undefined } : { done: false, saw: 'no answer' };
    },
    {
      deadline: Date.now() + o.timeoutMs,
      pause: every(500),
      fail: () => new UserstreamError(ErrorCodes.STACK_START, `${service.name} did not answer within ${o.timeoutMs / 1000} s ${o.notYet}`),
    },
  );
}

/**
 * Stops only the processes this stack started, recorded in its run files.
 * A service stops after those that wait for it (Kafka before its ZooKeeper,
 * so the broker can deregister; the Spark worker before its master);
 * unrelated ones stop in parallel.
 */
export async function stackDown(services: ServiceDefinition[], paths: StackPaths, reporter: StackReporter): Promise<void> {
  const stopped = new Map<string, Promise<void>>();
  const stop = (service: ServiceDefinition): Promise<void> => {
    let done = stopped.get(service.name);
    if (done) return done;
    const dependents = services.filter((s) => s.after?.includes(service.name));
    done = Promise.allSettled(dependents.map(stop)).then(async () => {
      const runFile = paths.runFile(service.name);
      const { recorded, running: info } = ourProcess(service, paths);
      if (!info) {
        removeRunInfo(runFile);
        reporter.done(service.name, 'not running');
        return;
      }
      reporter.update(service.name, `stopping (pid ${info.pid}${info === recorded ? '' : ', which ran without a run file'})`);
      await stopProcess(info.pid);
      removeRunInfo(runFile);
      reporter.done(service.name, 'stopped');
    });
    stopped.set(service.name, done);
    return done;
  };
  await Promise.all(services.map(stop));
}

export async function stackStatus(services: ServiceDefinition[], paths: StackPaths): Promise<ServiceStatus[]> {
  return Promise.all(
    services.map(async (service): Promise<ServiceStatus> => {
      const info = ourProcess(service, paths).running;
      const ports = service.ports.map((p) => p.port);
      if (info) {
        const answers = await service.probe().catch(() => false);
        return {
          name: service.name, version: info.version, ...(info.variant ? { variant: info.variant } : {}), state: answers ? 'running' : 'starting', pid: info.pid, ports: info.ports,
        };
      }
      const answers = await service.probe().catch(() => false);
      return { name: service.name, version: service.version, state: answers ? 'foreign' : 'stopped', ports };
    }),
  );
}
