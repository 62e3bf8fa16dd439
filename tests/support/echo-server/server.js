// The test session image: a dependency-free HTTP server whose routes make a container misbehave on
// demand (exit, crash mid-response, stream, stall, log, probe egress). Runs on any Node ≥ 18.
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { handleUpgrade } from './websocket.js';

const port = Number(process.env.PORT || 8080);
let healthy = true;

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the body as a stream (never buffering it), yielding its length and SHA-256. */
function digestBody(req) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
    req.on('error', reject);
  });
}

function intParam(query, name, fallback) {
  const value = Number(query.get(name));
  return query.has(name) && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

function download(res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = i % 251;
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const chunk = block.subarray(0, Math.min(block.length, total - sent));
      sent += chunk.length;
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function egress(res, host, targetPort) {
  const socket = net.connect({ host, port: targetPort });
  const finish = (connected, error) => {
    socket.destroy();
    if (!res.headersSent) json(res, 200, error ? { connected, error } : { connected });
  };
  socket.setTimeout(2000, () => finish(false, 'timeout after 2000 ms'));
  socket.once('connect', () => finish(true));
  socket.once('error', (err) => finish(false, err.code || err.message));
}

/** GET another URL from inside the session (managed identity, reaching the host); headers as name:value. */
function fetchFrom(res, target, headers) {
  const request = http.get(target, { headers: Object.fromEntries(headers.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)])), timeout: 3000 }, (upstream) => {
    let body = '';
    upstream.setEncoding('utf8');
    upstream.on('data', (chunk) => (body += chunk));
    upstream.on('end', () => json(res, 200, { status: upstream.statusCode, body }));
  });
  request.on('timeout', () => request.destroy(new Error('timeout after 3000 ms')));
  request.on('error', (err) => {
    if (!res.headersSent) json(res, 200, { status: 0, error: err.code || err.message });
  });
}

function log(res, lines, stream) {
  const out = stream === 'stderr' ? process.stderr : process.stdout;
  for (let i = 1; i <= lines; i++) out.write(`log line ${i}/${lines}\n`);
  json(res, 200, { printed: lines, stream: stream === 'stderr' ? 'stderr' : 'stdout' });
}

async function echo(req, res, url) {
  const { bytes, sha256 } = await digestBody(req);
  json(res, 200, {
    method: req.method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    headers: req.headers,
    bodyBytes: bytes,
    bodySha256: sha256,
    hostname: os.hostname(),
    pid: process.pid,
  });
}

async function route(req, res) {
  const url = new URL(req.url, 'http://session');
  const q = url.searchParams;
  const key = `${req.method} ${url.pathname}`;
  switch (key) {
    case 'GET /download':
      return download(res, intParam(q, 'bytes', 0));
    case 'POST /upload':
      return json(res, 200, await digestBody(req));
    case 'GET /sleep': {
      const timer = setTimeout(() => json(res, 200, { slept: intParam(q, 'ms', 0) }), intParam(q, 'ms', 0));
      return res.once('close', () => clearTimeout(timer));
    }
    case 'POST /exit': {
      const code = intParam(q, 'code', 0);
      await digestBody(req);
      res.once('finish', () => setTimeout(() => process.exit(code), 20));
      return json(res, 200, { exiting: code });
    }
    case 'GET /crash':
      // Promise 1000 bytes, deliver 100, die: the proxy must report a broken response.
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      return res.write('x'.repeat(100), () => process.exit(3));
    case 'GET /env':
      return json(res, 200, process.env);
    case 'GET /egress':
      return egress(res, q.get('host') || '', intParam(q, 'port', 80));
    case 'GET /fetch':
      return fetchFrom(res, q.get('url') || '', q.getAll('header'));
    case 'GET /log':
      return log(res, intParam(q, 'lines', 1), q.get('stream'));
    case 'GET /health':
      if (q.get('fail') === '1') healthy = false;
      if (q.get('fail') === '0') healthy = true;
      res.writeHead(healthy || q.has('fail') ? 200 : 500, { 'content-type': 'text/plain' });
      return res.end(healthy ? 'ok' : q.has('fail') ? 'failing from now on' : 'failing');
    default:
      return echo(req, res, url);
  }
}

function listen() {
  const server = http.createServer((req, res) => {
    route(req, res).catch((err) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => handleUpgrade(req, socket, head));
  server.listen(port, () => console.log(`echo-server listening on ${port}`));
  process.once('SIGTERM', () => {
    console.log('echo-server exiting');
    server.close();
    process.exit(0);
  });
}

if (process.env.FAIL_START === '1') {
  console.log('echo-server failing at start on purpose (FAIL_START=1)');
  process.exit(2);
}
const readyDelay = Number(process.env.READY_DELAY_MS || 0);
if (readyDelay > 0) setTimeout(listen, readyDelay);
else listen();
