import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Readable lines on a terminal (or with USERSTREAM_LOG_FORMAT=text, as in
 * Airflow task logs), JSON lines otherwise (USERSTREAM_LOG_FORMAT=json, for
 * log collectors). Logs go to stderr so stdout stays for results (summaries,
 * tables). Written synchronously: nothing is lost when the process exits.
 */
export function createLogger(level: string, stream: NodeJS.WriteStream = process.stderr): Logger {
  const format = process.env.USERSTREAM_LOG_FORMAT ?? (stream.isTTY ? 'pretty' : 'json');
  if (format === 'pretty' || format === 'text') {
    return pino(
      { level },
      pretty({ destination: 2, sync: true, colorize: format === 'pretty', translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }),
    );
  }
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}
