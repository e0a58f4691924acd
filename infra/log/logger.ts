/** One JSON object a line on stderr: easy to read in a terminal, easy to ship to a log store. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { level: LogLevel; component: string; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const at = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < order[options.level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, component: options.component, message, ...serialize(fields) }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function serialize(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
  return out;
}

/** The same logger with `fields` on every line (a request's id, say); a line's own fields come after them. */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const at = (level: LogLevel) => (message: string, more: Record<string, unknown> = {}) => logger[level](message, { ...fields, ...more });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
