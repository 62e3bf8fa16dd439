// Sample session container for Sessionite, after the Azure Container Apps custom-container sessions
// sample: POST /execute runs a shell command and answers with its output. Dependency-free Node.
//
// A session runs untrusted code by design: isolation comes from the container (no capabilities
// beyond a small set, resource limits, no egress by default), not from this server.
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';

const port = Number(process.env.PORT || 8080);
const COMMAND_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

function send(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Collects a child's stream up to the cap, draining (not buffering) whatever comes after it. */
function capture(stream) {
  const state = { chunks: [], bytes: 0, truncated: false };
  stream.on('data', (chunk) => {
    const room = MAX_OUTPUT_BYTES - state.bytes;
    if (room <= 0) return void (state.truncated = true);
    state.chunks.push(chunk.subarray(0, room));
    state.bytes += Math.min(room, chunk.length);
    if (chunk.length > room) state.truncated = true;
  });
  return () => Buffer.concat(state.chunks).toString('utf8') + (state.truncated ? '\n[output truncated]' : '');
}

function execute(command) {
  return new Promise((resolve) => {
    // Own process group, so a timeout also ends whatever the command started in the background.
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = capture(child.stdout);
    const stderr = capture(child.stderr);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, COMMAND_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ stdout: '', stderr: String(err.message), exitCode: 127 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const note = timedOut ? `\n[timed out after ${COMMAND_TIMEOUT_MS / 1000} s]` : '';
      // 124 is what `timeout(1)` reports; a signal death is 128 + signal number, as in shells.
      const exitCode = timedOut ? 124 : code ?? 128 + (os.constants.signals[signal] ?? 0);
      resolve({ stdout: stdout(), stderr: stderr() + note, exitCode });
    });
  });
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let bytes = 0;
    req.on('data', (chunk) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) return reject(Object.assign(new Error('request body too large'), { status: 413 }));
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(Object.assign(new Error('request body is not valid JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

async function route(req, res) {
  const path = new URL(req.url, 'http://session').pathname;
  if (req.method === 'GET' && path === '/') {
    return send(res, 200, {
      name: 'sessionite-sample-session',
      description: 'POST /execute with {"command": "..."} runs the command with sh -c and returns its output.',
      endpoints: ['GET /', 'GET /health', 'POST /execute'],
    });
  }
  if (req.method === 'GET' && path === '/health') return send(res, 200, 'ok');
  if (req.method === 'POST' && path === '/execute') {
    const body = await readJson(req);
    if (typeof body?.command !== 'string' || body.command.trim() === '') {
      return send(res, 400, { error: 'body must be JSON like {"command": "echo hello"}' });
    }
    return send(res, 200, await execute(body.command));
  }
  return send(res, 404, { error: `no route for ${req.method} ${path}` });
}

const server = http.createServer((req, res) => {
  const started = Date.now();
  res.on('finish', () => {
    console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
  });
  route(req, res).catch((err) => {
    if (res.headersSent) return void res.destroy();
    send(res, err.status ?? 500, { error: err.message });
  });
});

server.listen(port, () => console.log(`sample session listening on ${port}`));
process.once('SIGTERM', () => {
  console.log('sample session shutting down');
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
