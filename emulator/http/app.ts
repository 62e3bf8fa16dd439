import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Errors } from '../errors.js';
import { sendAzureError } from './azure-error.js';
import { handleDataPlane, type DataPlaneDeps } from './data-plane.js';

export interface HealthSource {
  /** Liveness: the process answers. */
  live(): { status: string };
  /** Readiness: accepting traffic (engine reachable, pools prepared); `ok: false` → 503. */
  ready(): { ok: boolean; [key: string]: unknown };
}

export interface AppDeps {
  dataPlane: DataPlaneDeps;
  health: HealthSource;
  /** True when the client is a session container; sessions may not call the emulator's own routes. */
  isSessionAddress(address: string | undefined): boolean;
  /** Extra routers mounted before the data plane (identity, ARM, admin API) by later modules. */
  mount?(app: Express): void;
}

/**
 * The HTTP surface. The data plane is matched first and by hand (raw path, streaming, no body
 * parsing); everything else is ordinary express routing. Unknown routes answer in Azure's format.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Session containers share a bridge with the host: if the emulator listens beyond loopback,
    // code in a session could otherwise call the admin, ARM or token routes.
    if (deps.isSessionAddress(req.socket.remoteAddress)) {
      sendAzureError(res, Errors.forbiddenFromSession());
      return;
    }
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json(deps.health.live());
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.health.ready();
    res.status(ready.ok ? 200 : 503).json(ready);
  });
  deps.mount?.(app);
  app.use((req: Request, res: Response, next: NextFunction) => {
    handleDataPlane(req, res, deps.dataPlane).then(
      (handled) => {
        if (!handled) next();
      },
      (error: unknown) => sendAzureError(res, error),
    );
  });
  app.use((req: Request, res: Response) => {
    sendAzureError(res, Errors.routeNotFound(req.path));
  });
  return app;
}
