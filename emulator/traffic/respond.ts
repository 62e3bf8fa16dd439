import type { Response } from 'express';

/** Error codes of the requests API (the admin API's `{"error":{code,message}}` shape). */
export type RequestsErrorCode = 'InvalidRequest' | 'RequestNotFound' | 'ReplayFailed';

export function sendError(res: Response, status: number, code: RequestsErrorCode, message: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error: { code, message } });
}

export function send<T>(res: Response, body: T, status = 200): void {
  res.status(status).set('cache-control', 'no-store').json(body);
}

export function positiveInt(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}
