import { pino, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.possessor',
  '*.purchaser',
  '*.token',
  '*.password',
];

/**
 * JSON lines on stdout. Written asynchronously: a synchronous write per request line was 7 % of the API's busy CPU
 * under load (the profile's `writeUtf8String`), and lines written while one write is under way go out together. pino
 * flushes what is pending when the process exits.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * A warning that can repeat many times a second while a dependency is away (Redis down: one per NOTIFY): the first is
 * logged, then at most one per `intervalMs` per message, carrying how many were left out.
 */
export function throttledWarn(logger: Logger, intervalMs = 10_000) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (object: Record<string, unknown>, message: string): void => {
    const now = Date.now();
    const seen = last.get(message);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    last.set(message, { at: now, suppressed: 0 });
    logger.warn(seen?.suppressed ? { ...object, suppressed: seen.suppressed } : object, message);
  };
}
