/** Structured logs (pino): one line per event; personal data never logged (see redact). */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'zhenxing' },
      redact: {
        paths: [
          '*.password',
          '*.idNumber',
          '*.id_number',
          '*.phone',
          '*.contact',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
        ],
        censor: '***',
      },
    },
    destination,
  );
}
export type { Logger };
