/** The one wrapper every route handler goes through (its own file, so route files do not import routes.ts back). */
import type { Request, Response, NextFunction } from 'express';

type Handler = (req: Request, res: Response) => Promise<unknown>;
/** Wrap an async handler: its result is the JSON body; a thrown Problem becomes problem+json. */
export const handle =
  (fn: Handler, status = 200) =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).then((body) => {
      if (res.headersSent) return;
      // a handler may have chosen its status (201 vs 200); otherwise the route's default
      if (res.statusCode === 200) res.status(status);
      res.json(body ?? {});
    }, next);
  };
