import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Emulator } from '../emulator.js';
import { compareRecords } from './compare.js';
import { exportRoutes } from './export-routes.js';
import { DEFAULT_PAGE, MAX_PAGE, listPage, parseFilter } from './query.js';
import type { Recorder } from './recorder.js';
import type { Replayer } from './replayer.js';
import { positiveInt, send, sendError } from './respond.js';
import type { ExchangeRecord, RecorderState, ReplayResult } from './types.js';
import { checkBatch, checkImport, checkReplayOptions } from './validate.js';

export type { RequestsErrorCode } from './respond.js';

export interface RoutesDeps {
  emulator: Emulator;
  recorder: Recorder;
  replayer: Replayer;
  version: string;
}

/** Listing, one exchange, comparison, and the recorder's state: pause, resume, clear. */
function readAndControl(router: Router, { emulator, recorder }: RoutesDeps): void {
  router.get('/', (req, res) => {
    const parsed = parseFilter(req.query, emulator.clock.now());
    if ('error' in parsed) return sendError(res, 400, 'InvalidRequest', parsed.error);
    const limit = Math.min(MAX_PAGE, positiveInt(req.query.limit) ?? DEFAULT_PAGE);
    send(res, listPage(recorder.store.list(), parsed.filter, limit, positiveInt(req.query.before)));
  });
  router.delete('/', async (_req, res) => {
    await recorder.clear();
    send<RecorderState>(res, recorder.state());
  });
  router.get('/state', (_req, res) => send<RecorderState>(res, recorder.state()));
  router.post('/pause', (_req, res) => {
    recorder.enabled = false;
    send<RecorderState>(res, recorder.state());
  });
  router.post('/resume', (_req, res) => {
    recorder.enabled = true;
    send<RecorderState>(res, recorder.state());
  });
  router.get('/:id', async (req: Request<{ id: string }>, res) => {
    const record = await recorder.store.get(req.params.id);
    if (!record) return sendError(res, 404, 'RequestNotFound', `No recorded exchange ${req.params.id}.`);
    send<ExchangeRecord>(res, record);
  });
  router.get('/:id/compare/:other', async (req: Request<{ id: string; other: string }>, res) => {
    const [a, b] = await Promise.all([recorder.store.get(req.params.id), recorder.store.get(req.params.other)]);
    if (!a || !b) return sendError(res, 404, 'RequestNotFound', `No recorded exchange ${a ? req.params.other : req.params.id}.`);
    send(res, compareRecords(a, b));
  });
}

/** Replays of one exchange (with edits), of a sequence, and of an imported HAR. */
function replays(router: Router, { replayer }: RoutesDeps): void {
  router.post('/import', async (req, res) => {
    const checked = checkImport(req.body);
    if ('error' in checked) return sendError(res, 400, 'InvalidRequest', checked.error);
    const result = await replayer.importHar(checked.value);
    if ('error' in result) return sendError(res, 400, 'InvalidRequest', result.error);
    send(res, result);
  });
  router.post('/replay', async (req, res) => {
    const checked = checkBatch(req.body);
    if ('error' in checked) return sendError(res, 400, 'InvalidRequest', checked.error);
    send(res, await replayer.replaySequence(checked.value));
  });
  router.post('/:id/replay', async (req: Request<{ id: string }>, res) => {
    const checked = checkReplayOptions(req.body);
    if ('error' in checked) return sendError(res, 400, 'InvalidRequest', checked.error);
    const result = await replayer.replayRecord(req.params.id, checked.value);
    if (result.replay) return send<ReplayResult>(res, result);
    // Not sent: 404 for an unknown exchange, 422 (with the reason) for one that cannot be replayed as asked.
    if (result.error?.startsWith('no recorded exchange')) return sendError(res, 404, 'RequestNotFound', result.error);
    send<ReplayResult>(res, result, 422);
  });
}

/** `/requests…` of the admin API; the caller mounts it behind the admin guard. */
export function requestsRouter(deps: RoutesDeps): Router {
  const router = Router();
  // HAR imports are whole documents; everything else is small.
  router.use(express.json({ limit: '64mb' }));
  router.use(async (_req, _res, next) => {
    // Read-your-writes: what has been captured is visible to the next call; expired records are not.
    await deps.recorder.flushed();
    await deps.recorder.store.prune();
    next();
  });
  router.use(exportRoutes(deps.emulator, deps.recorder, deps.version));
  replays(router, deps);
  readAndControl(router, deps);
  router.use((req, res) => sendError(res, 404, 'InvalidRequest', `No requests route ${req.method} ${req.path}.`));
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 500;
    if (status === 413) sendError(res, 413, 'InvalidRequest', 'The request body is too large.');
    else if (status < 500) sendError(res, 400, 'InvalidRequest', 'The request body is not valid JSON.');
    else sendError(res, 500, 'ReplayFailed', String(error));
  });
  return router;
}
