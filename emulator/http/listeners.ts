import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ListenOptions {
  host: string;
  /** 0 lets the OS choose. */
  port: number;
  /** A second listener serving the same handlers over TLS. */
  https?: { key: string; cert: string; port: number };
  onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface Listening {
  http: string;
  https?: string;
  /** Stops listening and cuts every open connection (kept-alive ones included). */
  close(): Promise<void>;
}

/** The emulator's HTTP and HTTPS listeners: both or neither (a failure closes what was opened). */
export async function listen(options: ListenOptions): Promise<Listening> {
  const planned: [Server, number][] = [[createServer(options.onRequest), options.port]];
  if (options.https) planned.push([createHttpsServer({ key: options.https.key, cert: options.https.cert }, options.onRequest), options.https.port]);
  const servers: Server[] = [];
  const close = (): Promise<void> => closeServers(servers.splice(0));
  try {
    for (const [server, port] of planned) {
      server.on('upgrade', options.onUpgrade);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, options.host, () => resolve());
      });
      servers.push(server);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  const host = urlHost(options.host);
  return { http: `http://${host}:${ports[0]}`, https: ports[1] === undefined ? undefined : `https://${host}:${ports[1]}`, close };
}

function closeServers(servers: Server[]): Promise<void> {
  return Promise.all(
    servers.map((server) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    }),
  ).then(() => undefined);
}

/** Wildcard listen addresses are reached through loopback; IPv6 literals are bracketed. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
