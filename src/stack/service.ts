import type { Java } from './java.ts';
import type { StackPaths } from './paths.ts';

/** Files and folders one service run uses. */
export interface ServiceDirs {
  lib: string;
  data: string;
  conf: string;
  log: string;
}

/**
 * What the supervisor needs to know about one service. The supervisor owns
 * the common lifecycle (resolve artifacts, check ports, start detached,
 * wait for health, record the pid, stop); a service only describes itself.
 */
export interface ServiceDefinition {
  name: string;
  version: string;
  /**
   * How this run differs from the plain service at the same version (the
   * secure profile): recorded with the pid, and a running service of another
   * variant is not reused.
   */
  variant?: string;
  /** Maven coordinates whose runtime classpath runs the service. */
  artifacts: string[];
  /** Services sharing a classpath name it the same (cache/<classpath>-<version>); default: the service name. */
  classpath?: string;
  /** Services that must answer before this one starts (the Spark worker needs its master). */
  after?: string[];
  /**
   * Services this one keeps long-lived sessions to (the Spark Connect
   * server's executors hold Kafka and Cassandra connections). When `up`
   * starts one of them afresh while this one runs and is reused, this one is
   * restarted, so it does not go on with connections to the old process.
   */
  holdsSessionsTo?: string[];
  /**
   * The file, in its data folder, that its own logging (Log4j 2, Logback)
   * writes when `up` runs it detached (Kafka's server.log; see
   * log-config.ts): start failures and `stack logs` show it beside the
   * output log, which then holds only what the JVM prints before that.
   */
  ownLog?: string;
  /** Extra environment of the process. */
  env?(ctx: PrepareContext): NodeJS.ProcessEnv;
  /**
   * Every port it listens on; all must be free before it starts. `host`:
   * the address it binds, when it is not every one (a Cassandra ring's node
   * 2 listens on 127.0.0.2:9042 beside node 1 on 127.0.0.1:9042).
   */
  ports: { port: number; what: string; flag: string; host?: string }[];
  /**
   * Services that cannot run beside this one (the other topology of the same
   * system: the single-node kafka and the cluster's kafka-1 share a port).
   * One of ours running stops `up` with a line saying which to stop.
   */
  excludes?: string[];
  /**
   * Downloads what the service runs besides a Maven classpath (Airflow's
   * virtualenv), once, into the stack's cache: run before prepare by `up`,
   * and by `stack fetch` when an image is built. Idempotent.
   */
  install?(ctx: InstallContext): Promise<void>;
  /** Writes config files and does one-time setup (e.g. formatting storage). Idempotent. */
  prepare(ctx: PrepareContext): Promise<void>;
  /** Arguments to `java` (main class included), for a JVM service. */
  javaArgs?(ctx: PrepareContext): string[];
  /**
   * For a service that is not a JVM: the program, its arguments (which must
   * contain `marker`, so `down` can tell the pid is still ours) and the user
   * it runs as.
   */
  command?(ctx: PrepareContext): ServiceCommand;
  /** Needs no Java (skips the JDK check). */
  noJava?: boolean;
  /**
   * Needs a newer Java than the stack's 17 (the Schema Registry: 21): the
   * JDK is found by findJavaAtLeast, starting with `javaHome` when set.
   */
  javaMin?: number;
  javaHome?: string;
  /**
   * Runs once the probe passes, also when a running service is reused:
   * idempotent setup that needs the service up (users, roles). Its errors fail `up`.
   */
  afterStart?(ctx: PrepareContext): Promise<void>;
  /**
   * A process of this service that runs without a run file (its record was
   * lost: an older userstream, a start that died between spawn and record),
   * found through the service's own bookkeeping (PostgreSQL's
   * postmaster.pid): its pid and the marker its command line carries. `up`
   * adopts it and `down` stops it, instead of calling it a stranger on its port.
   */
  orphan?(dirs: ServiceDirs): { pid: number; marker: string } | undefined;
  /** True once the service really answers (a metadata request, a CQL query). */
  probe(): Promise<boolean>;
  /** How long to wait for the probe after start. */
  startTimeoutMs: number;
}

export interface ServiceCommand {
  bin: string;
  args: string[];
  marker: string;
  uid?: number;
  gid?: number;
}

export interface PrepareContext {
  /** The JDK; undefined for a service with `noJava`. */
  java: Java | undefined;
  dirs: ServiceDirs;
  paths: StackPaths;
  /**
   * Where its own logging writes (see `ownLog`): that file when run
   * detached, undefined (the console) in the foreground as a container's process.
   */
  ownLog: string | undefined;
  /** A marker put on the java command line so `down` only stops what `up` started. */
  marker: string;
  /** Shows a progress line for this service (long preparations: installs, migrations). */
  reporter: (text: string) => void;
}

/** What an install needs: the stack's folders and a progress line. */
export type InstallContext = Pick<PrepareContext, 'paths' | 'reporter'>;
