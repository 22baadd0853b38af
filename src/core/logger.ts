/** A small levelled logger on stderr; `--log-level` picks what is written. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  level: LogLevel;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function isLogLevel(value: string): value is LogLevel {
  return value in rank;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const logger: Logger = {
    level,
    debug: (message) => log('debug', message),
    info: (message) => log('info', message),
    warn: (message) => log('warn', message),
    error: (message) => log('error', message),
  };
  function log(at: LogLevel, message: string): void {
    if (rank[at] < rank[logger.level]) return;
    write(`${new Date().toISOString()} ${at.toUpperCase()} ${message}\n`);
  }
  return logger;
}
