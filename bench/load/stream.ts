import { request } from 'node:http';
import { childInput, childOutput } from '../lib/children.js';

/**
 * One large transfer: `down` reads a GET body of `bytes` (the echo server's /download), `up` sends a
 * POST body of `bytes` (to /upload, which digests it as a stream) with back-pressure respected.
 */

export interface StreamInput {
  url: string;
  direction: 'up' | 'down';
  bytes: number;
}

export interface StreamOutput {
  status: number;
  bytes: number;
  ms: number;
  /** What the session reported receiving (uploads). */
  serverBytes?: number;
  /** CPU this client used for the transfer (user + system). */
  cpuSec?: number;
}

function download(url: URL): Promise<StreamOutput> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
      res.once('error', reject);
      res.once('aborted', () => reject(new Error(`download aborted after ${bytes} bytes`)));
    });
    req.once('error', reject);
    req.end();
  });
}

function upload(url: URL, total: number): Promise<StreamOutput> {
  return new Promise((resolve, reject) => {
    const block = Buffer.alloc(64 * 1024, 'u');
    const started = performance.now();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        agent: false,
        headers: { 'content-length': String(total), 'content-type': 'application/octet-stream' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.once('end', () => {
          const reported = (JSON.parse(text || '{}') as { bytes?: number }).bytes;
          resolve({ status: res.statusCode ?? 0, bytes: total, ms: performance.now() - started, serverBytes: reported });
        });
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const chunk = block.subarray(0, Math.min(block.length, total - sent));
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

const input = childInput<StreamInput>();
const url = new URL(input.url);
const cpuBefore = process.cpuUsage();
const result = input.direction === 'down' ? await download(url) : await upload(url, input.bytes);
const cpu = process.cpuUsage(cpuBefore);
childOutput({ ...result, cpuSec: (cpu.user + cpu.system) / 1e6 });
