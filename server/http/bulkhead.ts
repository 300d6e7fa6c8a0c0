/**
 * 隔离舱 a bulkhead: at most `concurrent` requests of a kind (the public board) are served at once
 * by this process, at most `queued` wait; beyond that the request is shed with 429 + Retry-After.
 * A crowd of anonymous requests then never holds more than a few database connections, and staff
 * requests keep the rest of the pool.
 */
import type { NextFunction, Request, Response } from 'express';
import { problems } from './problem.js';

export function bulkhead(concurrent: number, queued: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return (_req: Request, res: Response, next: NextFunction) => {
    if (running >= concurrent && waiting.length >= queued) {
      return next(problems.tooMany('访问人数过多，请稍后再试', 'the board is busy, try again shortly', 1));
    }
    let done = false;
    const start = () => {
      res.once('close', () => {
        if (!done) {
          done = true;
          release();
        }
      });
      next();
    };
    if (running < concurrent) {
      running++;
      start();
    } else {
      waiting.push(start);
    }
  };
}
