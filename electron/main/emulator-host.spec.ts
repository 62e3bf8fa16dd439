import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostedEmulator, type HostSettings } from '../../emulator/host/hosted.js';
import {
  fallbackSettings,
  listeningPorts,
  portsToRemember,
  startWithPortFallback,
  stopWithin,
  type StartedHost,
} from './emulator-host.js';

let dataDir: string | undefined;
let blocker: Server | undefined;
let started: StartedHost | undefined;

afterEach(async () => {
  await started?.emulator.stop();
  started = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function takenPort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function settings(port: number): Promise<HostSettings> {
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-desktop-'));
  return { host: '127.0.0.1', port, httpsPort: 0, dataDir, authMode: 'off' };
}

const inUse = (port: number): NodeJS.ErrnoException =>
  Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port });

describe('remembered ports', () => {
  it('falls back to a port the OS chooses when the remembered one is taken, and says so', async () => {
    const port = await takenPort();
    const lines: string[] = [];
    started = await startWithPortFallback(
      await settings(port),
      { httpExplicit: false, httpsExplicit: false },
      (s) => createHostedEmulator(s, { log: () => undefined }),
      (line) => lines.push(line),
    );
    const chosen = listeningPorts(started.ready);
    expect(chosen.http).not.toBe(port);
    expect(chosen.http).toBeGreaterThan(0);
    expect(chosen.https).toBeGreaterThan(0);
    expect(started.settings.port).toBe(0);
    expect(lines).toEqual([`port ${port} is taken now; letting the OS choose one (it will be remembered)`]);
  });

  it('fails like the CLI when a port given on the command line is taken', async () => {
    const port = await takenPort();
    await expect(
      startWithPortFallback(
        await settings(port),
        { httpExplicit: true, httpsExplicit: false },
        (s) => createHostedEmulator(s, { log: () => undefined }),
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('retries only for our own listeners, each at most once', () => {
    const base: HostSettings = { host: '127.0.0.1', port: 8080, httpsPort: 8443, dataDir: '/d' };
    const remembered = { httpExplicit: false, httpsExplicit: false };
    expect(fallbackSettings(base, inUse(8080), remembered)).toEqual({ ...base, port: 0 });
    expect(fallbackSettings(base, inUse(8443), remembered)).toEqual({ ...base, httpsPort: 0 });
    expect(fallbackSettings(base, inUse(9999), remembered)).toBeUndefined();
    expect(fallbackSettings(base, new Error('EACCES'), remembered)).toBeUndefined();
    expect(fallbackSettings({ ...base, port: 0 }, inUse(0), remembered)).toBeUndefined();
    expect(fallbackSettings(base, inUse(8443), { httpExplicit: false, httpsExplicit: true })).toBeUndefined();
  });
});

describe('bounded shutdown', () => {
  it('gives up waiting after the bound and says so', async () => {
    const lines: string[] = [];
    const began = Date.now();
    await stopWithin(
      () => new Promise<void>(() => undefined),
      50,
      (line) => lines.push(line),
    );
    expect(Date.now() - began).toBeLessThan(2000);
    expect(lines).toEqual([
      'shutdown took longer than 50 ms; quitting anyway (the next start reaps leftovers)',
    ]);
  });

  it('reports a failed stop instead of throwing', async () => {
    const lines: string[] = [];
    await stopWithin(
      () => Promise.reject(new Error('engine gone')),
      1000,
      (line) => lines.push(line),
    );
    expect(lines).toEqual(['shutdown failed: Error: engine gone']);
  });
});

describe('which ports are remembered', () => {
  const used = { http: 41000, https: 42000 };
  it('remembers the ports used, except those the command line chose', () => {
    const none = { httpExplicit: false, httpsExplicit: false };
    expect(portsToRemember(undefined, used, none)).toEqual(used);
    expect(
      portsToRemember({ http: 8080, https: 0 }, used, { httpExplicit: true, httpsExplicit: false }),
    ).toEqual({ http: 8080, https: 42000 });
    expect(portsToRemember(undefined, used, { httpExplicit: true, httpsExplicit: true })).toEqual(used);
  });
});
