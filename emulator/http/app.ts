import express, { type Express, type Request, type Response } from 'express';
import { Errors } from '../errors.js';
import { sendAzureError } from './azure-error.js';

export interface HealthSource {
  /** Liveness: the process answers. */
  live(): { status: string };
  /** Readiness: accepting traffic (engine reachable, pools prepared); `ok: false` → 503. */
  ready(): { ok: boolean; [key: string]: unknown };
}

export interface AppDeps {
  health: HealthSource;
  /** Extra routers (identity, ARM, admin API, recording) mounted by later modules. */
  mount?(app: Express): void;
}

/**
 * Every route that is not a pool endpoint, as ordinary express routing; unknown routes answer in
 * Azure's format. Pool endpoints never get here: `createRequestHandler` matches them first, and it
 * also applies the session-address guard to everything before express sees a request.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json(deps.health.live());
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.health.ready();
    res.status(ready.ok ? 200 : 503).json(ready);
  });
  deps.mount?.(app);
  app.use((req: Request, res: Response) => {
    sendAzureError(res, Errors.routeNotFound(req.path));
  });
  return app;
}
