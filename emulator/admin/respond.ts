import type { Response } from 'express';
import type { AdminErrorBody, AdminErrorCode } from './contract.js';

/** Admin routes answer errors as `{"error":{code,message,…}}` (see `AdminErrorBody`), never as HTML. */
export function sendAdminError(
  res: Response,
  status: number,
  code: AdminErrorCode,
  message: string,
  extra: Omit<AdminErrorBody['error'], 'code' | 'message'> = {},
): void {
  const body: AdminErrorBody = { error: { code, message, ...extra } };
  res.status(status).set('cache-control', 'no-store').json(body);
}

/** Typed JSON success: the contract type is checked where the route answers. */
export function sendJson<T>(res: Response, status: number, body: T): void {
  res.status(status).set('cache-control', 'no-store').json(body);
}
