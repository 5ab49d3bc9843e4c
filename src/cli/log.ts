import pino, { type Logger } from 'pino';

/**
 * Readable lines on a terminal, JSON lines otherwise (for log collectors).
 * Logs go to stderr so stdout stays for results (summaries, tables).
 */
export function createLogger(level: string, stream: NodeJS.WriteStream = process.stderr): Logger {
  if (stream.isTTY) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}
