/**
 * Where a JVM service's own logging (Log4j 2 or Logback) writes. Run
 * detached by `up`, into a rolling file in its data folder (its
 * `ServiceDefinition.ownLog`), so a busy broker's log stays bounded; its
 * output file (.stack/logs/<service>.log) then holds only what the JVM
 * prints before its logging starts. Run in the foreground as a container's
 * process, to the console, so `docker compose logs` shows the service's log.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StackPaths } from './paths.ts';
import { logTail } from './process.ts';
import type { ServiceDefinition } from './service.ts';

export interface LogTarget {
  /** The rolling file; undefined: the console. */
  file: string | undefined;
  /** The layout's pattern, as the system's own distribution logs. */
  pattern: string;
  /** When the file rolls; three old files are kept. */
  maxSize?: string;
}

/** Log4j 2 (properties syntax): the appender OUT and the root logger's reference to it. */
export function log4j2Appender(t: LogTarget): string[] {
  const layout = ['appender.out.layout.type = PatternLayout', `appender.out.layout.pattern = ${t.pattern}`];
  if (t.file === undefined) {
    return ['appender.out.type = Console', 'appender.out.name = OUT', 'appender.out.target = SYSTEM_OUT', ...layout, 'rootLogger.appenderRef.out.ref = OUT'];
  }
  const file = t.file.replace(/\\/g, '\\\\');
  return [
    'appender.out.type = RollingFile',
    'appender.out.name = OUT',
    `appender.out.fileName = ${file}`,
    `appender.out.filePattern = ${file}.%i`,
    ...layout,
    'appender.out.policies.type = Policies',
    'appender.out.policies.size.type = SizeBasedTriggeringPolicy',
    `appender.out.policies.size.size = ${t.maxSize ?? '20MB'}`,
    'appender.out.strategy.type = DefaultRolloverStrategy',
    'appender.out.strategy.max = 3',
    'rootLogger.appenderRef.out.ref = OUT',
  ];
}

/** Logback: the appender OUT (the caller wraps it, Cassandra in an async appender). */
export function logbackAppender(t: LogTarget, xml: (text: string) => string): string {
  const encoder = `    <encoder>
      <pattern>${xml(t.pattern)}</pattern>
    </encoder>`;
  if (t.file === undefined) {
    return `  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
${encoder}
  </appender>`;
  }
  const file = xml(t.file);
  return `  <appender name="OUT" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${file}</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
      <fileNamePattern>${file}.%i.zip</fileNamePattern>
      <minIndex>1</minIndex>
      <maxIndex>3</maxIndex>
    </rollingPolicy>
    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
      <maxFileSize>${t.maxSize ?? '20MB'}</maxFileSize>
    </triggeringPolicy>
${encoder}
  </appender>`;
}

/** The file a service's own logging writes when run detached (`ServiceDefinition.ownLog`), if it has one. */
export function ownLogFile(service: ServiceDefinition, paths: StackPaths): string | undefined {
  return service.ownLog === undefined ? undefined : join(paths.data(service.name), service.ownLog);
}

/**
 * The files a service logged anything to: its output (what a JVM prints
 * before its logging starts: a bad flag, a class not found), then its own
 * log. `stack logs` shows them, and a start failure their last lines.
 */
export function serviceLogFiles(service: ServiceDefinition, paths: StackPaths): string[] {
  return [paths.log(service.name), ownLogFile(service, paths)].filter((file): file is string => file !== undefined && existsSync(file) && statSync(file).size > 0);
}

/** The last lines of what a service logged, for a failure message ('' when it logged nothing). */
export function serviceLogTails(service: ServiceDefinition, paths: StackPaths): string {
  return serviceLogFiles(service, paths).map((file) => `== ${file}\n${logTail(file)}`).join('\n');
}
