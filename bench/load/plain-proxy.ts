import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { childInput } from '../lib/children.js';

/**
 * A reference point for the forwarding scenario: the smallest reasonable Node.js reverse proxy
 * (keep-alive agent, streamed bodies, no routing, no header rules, no events) in front of the same
 * session. What it costs per request is what any proxy written on Node's HTTP stack costs on this
 * machine; the emulator's figure next to it shows what its own routing and bookkeeping add.
 * Prints `{"port": N}` once listening and runs until killed.
 */

interface PlainProxyInput {
  target: string;
}

const { target } = childInput<PlainProxyInput>();
const upstream = new URL(target);
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });

const server = createServer((req, res) => {
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forwarded.once('error', () => res.destroy());
  req.pipe(forwarded);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
