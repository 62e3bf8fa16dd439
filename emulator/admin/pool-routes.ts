import { Router, type Request, type Response } from 'express';
import { validateIdentifier } from '../pool/identifier.js';
import type { Emulator } from '../emulator.js';
import type {
  PoolDetail,
  PoolSummary,
  PutPoolRequest,
  SessionsResponse,
  StopSessionRequest,
} from './contract.js';
import type { PoolWriter } from './pool-writer.js';
import { sendAdminError, sendJson } from './respond.js';
import { poolDetail, poolSummary, sessionRows } from './views.js';

/** `/pools…`: list, read, create/replace, delete, and the live sessions of a pool. */
export function poolRoutes(emulator: Emulator, writer: PoolWriter): Router {
  const router = Router();

  router.get('/pools', (_req, res) => {
    sendJson<PoolSummary[]>(
      res,
      200,
      emulator.listPools().map((pool) => poolSummary(emulator, pool)),
    );
  });

  router.get('/pools/:name', (req: Request<{ name: string }>, res) => {
    const pool = emulator.getPool(req.params.name);
    if (!pool) return poolNotFound(res, req.params.name);
    sendJson<PoolDetail>(res, 200, poolDetail(emulator, pool));
  });

  router.put('/pools/:name', async (req: Request<{ name: string }>, res) => {
    const body = req.body as Partial<PutPoolRequest> | undefined;
    if (!body || typeof body !== 'object' || !('definition' in body)) {
      sendAdminError(res, 400, 'InvalidRequest', 'Send {"definition": <ARM sessionPools body>}.');
      return;
    }
    const createOnly = req.headers['if-none-match'] === '*';
    const result = await writer.put(req.params.name, body.definition, { createOnly });
    if (!result.ok && result.reason === 'exists') {
      sendAdminError(res, 409, 'PoolExists', `A pool named '${req.params.name}' already exists.`);
      return;
    }
    if (!result.ok) {
      const count = result.issues.length;
      sendAdminError(
        res,
        400,
        'ValidationFailed',
        `The pool definition has ${count} problem${count === 1 ? '' : 's'}.`,
        {
          issues: result.issues,
        },
      );
      return;
    }
    sendJson<PoolDetail>(res, result.created ? 201 : 200, poolDetail(emulator, result.pool));
  });

  router.delete('/pools/:name', async (req: Request<{ name: string }>, res) => {
    if (!(await writer.delete(req.params.name))) return poolNotFound(res, req.params.name);
    res.status(204).end();
  });

  router.get('/pools/:name/sessions', (req: Request<{ name: string }>, res) => {
    const pool = emulator.getPool(req.params.name);
    if (!pool) return poolNotFound(res, req.params.name);
    const now = new Date(emulator.clock.now()).toISOString();
    sendJson<SessionsResponse>(res, 200, { pool: pool.name, sessions: sessionRows(pool), now });
  });

  router.post('/pools/:name/sessions/stop', async (req: Request<{ name: string }>, res) => {
    const pool = emulator.getPool(req.params.name);
    if (!pool) return poolNotFound(res, req.params.name);
    const identifier = (req.body as Partial<StopSessionRequest> | undefined)?.identifier;
    if (typeof identifier !== 'string' || validateIdentifier(identifier)) {
      sendAdminError(res, 400, 'InvalidRequest', 'Send {"identifier": "<session identifier>"}.');
      return;
    }
    if (!(await pool.stopIdentifier(identifier))) {
      sendAdminError(res, 404, 'SessionNotFound', `No session '${identifier}' in pool '${pool.name}'.`);
      return;
    }
    res.status(204).end();
  });

  return router;
}

function poolNotFound(res: Response, name: string): void {
  sendAdminError(res, 404, 'PoolNotFound', `No pool named '${name}'.`);
}
