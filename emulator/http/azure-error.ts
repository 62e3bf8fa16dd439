import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../errors.js';

/** Azure's error wire format: `{"error":{code,message,target}}`, `x-ms-error-code`, and a trace id. */
export function azureErrorBody(error: ApiError, traceId: string): string {
  const body: Record<string, string> = { code: error.code, message: error.message };
  if (error.target) body.target = error.target;
  return JSON.stringify({ error: body, traceId });
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, 'InternalServerError', 'The emulator failed to handle the request.');
}

export function sendAzureError(
  res: ServerResponse,
  error: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const apiError = toApiError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const traceId = randomUUID();
  const body = azureErrorBody(apiError, traceId);
  res.writeHead(apiError.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-ms-error-code': apiError.code,
    'x-ms-request-id': traceId,
    ...extraHeaders,
  });
  res.end(body);
}

/** The same error written on a raw socket, for failed WebSocket upgrades. */
export function writeAzureErrorToSocket(socket: Duplex, error: unknown): void {
  const apiError = toApiError(error);
  const body = azureErrorBody(apiError, randomUUID());
  socket.end(
    `HTTP/1.1 ${apiError.status} ${apiError.code}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-ms-error-code: ${apiError.code}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
