import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the local stack keeps everything: one git-ignored folder. */
export interface StackPaths {
  home: string;
  /** Resolved artifacts, reused by every later `up`: cache/<service>-<version>/lib. */
  cache: string;
  /** Maven's local repository, kept inside the stack folder. */
  mavenRepo: string;
  data(service: string): string;
  log(service: string): string;
  /** Facts about the process we started: pid, ports, version. */
  runFile(service: string): string;
  /**
   * Present while a service run in the foreground (a container's process)
   * has not finished starting: its probe may answer before its afterStart
   * (a ring node's wait for the ring) is done, and it is not ready until then.
   */
  startingFile(service: string): string;
  /** The folder of the run files: which services of ours may be running. */
  runDir: string;
  conf(service: string): string;
}

export function stackPaths(home: string): StackPaths {
  const root = resolve(home);
  const dir = (...parts: string[]) => {
    const p = join(root, ...parts);
    mkdirSync(p, { recursive: true });
    return p;
  };
  return {
    home: root,
    get cache() {
      return dir('cache');
    },
    get mavenRepo() {
      return dir('cache', 'm2');
    },
    data: (s) => dir('data', s),
    log: (s) => join(dir('logs'), `${s}.log`),
    runFile: (s) => join(dir('run'), `${s}.json`),
    startingFile: (s) => join(dir('run'), `${s}.starting`),
    get runDir() {
      return dir('run');
    },
    conf: (s) => dir('conf', s),
  };
}
