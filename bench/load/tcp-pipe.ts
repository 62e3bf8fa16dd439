import { connect, createServer, type AddressInfo } from 'node:net';
import { childInput } from '../lib/children.js';

/**
 * The floor for any proxy on Node.js: each client connection is piped byte for byte to its own
 * connection to the session, with no HTTP parsing, routing or headers at all. Whatever CPU it
 * spends per request is the runtime's cost of reading and writing sockets, which no proxy written
 * in Node can go below. Prints `{"port": N}` once listening and runs until killed.
 */

interface TcpPipeInput {
  host: string;
  port: number;
}

const target = childInput<TcpPipeInput>();

const server = createServer((client) => {
  const upstream = connect(target.port, target.host);
  client.pipe(upstream).pipe(client);
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.once('error', close);
  upstream.once('error', close);
  client.once('close', close);
  upstream.once('close', close);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
