import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { childInput } from '../lib/children.js';

/**
 * A reference point for the forwarding and streaming scenarios: the smallest reasonable Node.js
 * reverse proxy on the emulator's own stack (node:http server, an undici keep-alive pool to the
 * session, streamed bodies with back-pressure) and nothing else: no routing, no header rules, no
 * events. What it costs per request is what any proxy built this way costs on this machine; the
 * emulator's figure next to it shows what its own routing and bookkeeping add.
 * Prints `{"port": N}` once listening and runs until killed.
 */

interface PlainProxyInput {
  target: string;
}

const { target } = childInput<PlainProxyInput>();
const pool = new Pool(target, { connections: 256, pipelining: 1 });

function requestHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding' && name !== 'expect') headers[name] = value;
  }
  return headers;
}

const server = createServer((req, res) => {
  let resume: (() => void) | undefined;
  let abort: ((reason?: Error) => void) | undefined;
  res.on('drain', () => resume?.());
  res.on('close', () => {
    if (!res.writableFinished) abort?.(new Error('client gone'));
  });
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  const handler: Dispatcher.DispatchHandler = {
    onConnect: (abortRequest) => (abort = abortRequest),
    onHeaders: (status, raw, resumeRequest, statusText) => {
      resume = resumeRequest;
      const headers: string[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const name = String(raw[i]);
        const lower = name.toLowerCase();
        if (lower !== 'connection' && lower !== 'keep-alive' && lower !== 'transfer-encoding') headers.push(name, String(raw[i + 1]));
      }
      res.writeHead(status, statusText, headers);
      return true;
    },
    onData: (chunk) => res.write(chunk),
    onComplete: () => res.end(),
    onError: () => res.destroy(),
  };
  pool.dispatch({ method: req.method as Dispatcher.HttpMethod, path: req.url ?? '/', headers: requestHeaders(req), body: hasBody ? req : null, bodyTimeout: 0 }, handler);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
