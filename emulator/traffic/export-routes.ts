import { Router, type Request, type Response } from 'express';
import type { Emulator } from '../emulator.js';
import { toCurlScript, toHttpFile, type ExportTarget } from './export-text.js';
import { toHar } from './har.js';
import { MAX_PAGE, matches, parseFilter } from './query.js';
import type { Recorder } from './recorder.js';
import { positiveInt, sendError } from './respond.js';
import type { ExchangeRecord, ExportFormat } from './types.js';

const FORMATS: Record<ExportFormat, { type: string; file: string }> = {
  curl: { type: 'text/x-shellscript; charset=utf-8', file: 'sessionite-requests.sh' },
  http: { type: 'text/plain; charset=utf-8', file: 'sessionite-requests.http' },
  har: { type: 'application/json; charset=utf-8', file: 'sessionite-requests.har' },
};

/**
 * `GET /export?format=har|curl|http` with `ids=1,2,3` or the list filters (oldest first, at most
 * MAX_PAGE records), and `GET /:id/export`. Downloads: the answer names a file.
 */
export function exportRoutes(emulator: Emulator, recorder: Recorder, version: string): Router {
  const router = Router();

  async function loadAll(ids: string[]): Promise<ExchangeRecord[]> {
    const records = await Promise.all(ids.map((id) => recorder.store.get(id.trim())));
    return records.filter((r): r is ExchangeRecord => r !== undefined);
  }

  async function selected(req: Request, res: Response): Promise<ExchangeRecord[] | undefined> {
    const ids = typeof req.query.ids === 'string' && req.query.ids !== '' ? req.query.ids.split(',') : undefined;
    if (!ids) {
      const parsed = parseFilter(req.query, emulator.clock.now());
      if ('error' in parsed) {
        sendError(res, 400, 'InvalidRequest', parsed.error);
        return undefined;
      }
      const entries = recorder.store.list().filter((entry) => matches(entry, parsed.filter));
      const limit = Math.min(MAX_PAGE, positiveInt(req.query.limit) ?? MAX_PAGE);
      return loadAll(entries.slice(-limit).map((entry) => entry.summary.id));
    }
    const records = await loadAll(ids);
    if (records.length < ids.length) {
      const missing = ids.filter((id) => !records.some((r) => r.id === id.trim()));
      sendError(res, 404, 'RequestNotFound', `No recorded exchange ${missing.join(', ')}.`);
      return undefined;
    }
    return records;
  }

  function answer(req: Request, res: Response, records: ExchangeRecord[] | undefined): void {
    if (!records) return;
    const format = (typeof req.query.format === 'string' ? req.query.format : 'har') as ExportFormat;
    const kind = FORMATS[format];
    if (!kind) return sendError(res, 400, 'InvalidRequest', "'format' must be curl, http or har.");
    const target: ExportTarget = { http: emulator.httpUrl, https: emulator.httpsUrl, caPath: emulator.identity.tls.caPath };
    const text =
      format === 'har' ? JSON.stringify(toHar(records, version), null, 2) : format === 'curl' ? toCurlScript(records, target) : toHttpFile(records, target);
    res.status(200).set({ 'content-type': kind.type, 'content-disposition': `attachment; filename="${kind.file}"`, 'cache-control': 'no-store' }).send(text);
  }

  router.get('/export', async (req, res) => answer(req, res, await selected(req, res)));
  router.get('/:id/export', async (req: Request<{ id: string }>, res) => {
    const record = await recorder.store.get(req.params.id);
    if (!record) return sendError(res, 404, 'RequestNotFound', `No recorded exchange ${req.params.id}.`);
    answer(req, res, [record]);
  });
  return router;
}
