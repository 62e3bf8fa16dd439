import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_HEADER } from '../../emulator/admin/contract.js';
import { CHANNELS, type AdminEndpoint } from '../shared/ipc.js';
import { parseAppArgs } from './args.js';
import { DesktopHost } from './desktop.js';
import { fake, type MenuItem } from './testing/fake-electron.js';

vi.mock('electron', async () => (await import('./testing/fake-electron.js')).fakeElectron);

/**
 * The desktop host with Electron stood in for and a real emulator (no pools): what the window loads,
 * what the preload's `adminEndpoint` hands out and whether the admin API accepts it, the tray's quick
 * actions, close-to-tray and the bounded quit. The real-binary run is tests/electron/desktop.test.ts.
 */
let userData: string;
let host: DesktopHost | undefined;

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'sessionite-desktop-host-'));
  fake.reset(userData);
  delete process.env.ELECTRON_RENDERER_URL;
});

afterEach(async () => {
  if (host && host.beforeQuit() === false)
    await vi.waitFor(() => expect(fake.quitCalls).toBeGreaterThan(0), { timeout: 20_000 });
  host = undefined;
  await rm(userData, { recursive: true, force: true });
});

async function started(): Promise<DesktopHost> {
  host = new DesktopHost(
    parseAppArgs(['--port', '0', '--https-port', '0', '--auth', 'off']),
    () => undefined,
  );
  await host.start();
  return host;
}

function window(): (typeof fake.windows)[number] {
  const win = fake.windows[0];
  if (!win) throw new Error('no window');
  return win;
}

function ipcEvent(url: string | undefined, webContentsId = window().webContents.id): unknown {
  return { senderFrame: url === undefined ? null : { url, parent: null }, sender: { id: webContentsId } };
}

async function invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
  const listener = fake.ipc.get(channel);
  if (!listener) throw new Error(`no handler on ${channel}`);
  return listener(event, ...args);
}

function trayItem(label: string): MenuItem {
  const find = (items: MenuItem[]): MenuItem | undefined =>
    items.reduce<MenuItem | undefined>(
      (hit, item) => hit ?? (item.label === label ? item : find(item.submenu ?? [])),
      undefined,
    );
  const item = find(fake.trays[0]?.menu ?? []);
  if (!item) throw new Error(`no tray item ${label}`);
  return item;
}

describe('desktop host', () => {
  it('loads the emulator-served dashboard in a sandboxed window', async () => {
    await started();
    expect(window().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sessionite\/$/);
    expect(window().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String((window().options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[\\/]index\.cjs$/,
    );
    expect(window().visible).toBe(true);
  });

  it("hands the page its origin and this run's token, which the admin API requires even on loopback", async () => {
    await started();
    const endpoint = (await invoke(CHANNELS.adminEndpoint, ipcEvent(window().url))) as AdminEndpoint;
    expect(endpoint.origin).toBe(new URL(window().url ?? '').origin);
    expect(endpoint.token).toMatch(/^[\w-]{40,}$/);
    const status = `${endpoint.origin}/_sessionite/api/status`;
    expect((await fetch(status)).status).toBe(401);
    expect((await fetch(status, { headers: { [TOKEN_HEADER]: endpoint.token ?? '' } })).status).toBe(200);
    // Any other sender gets nothing.
    await expect(
      invoke(CHANNELS.adminEndpoint, ipcEvent('https://evil.example/_sessionite/')),
    ).rejects.toThrow('refused');
    await expect(invoke(CHANNELS.adminEndpoint, ipcEvent(window().url, 999))).rejects.toThrow('refused');
  });

  it('remembers the window state and the tray toggles, and keeps running when the window closes', async () => {
    await started();
    let prevented = false;
    window().emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(window().visible).toBe(false);
    trayItem('Notify When a Pool Fails').click?.();
    await vi.waitFor(async () => {
      const saved = JSON.parse(await readFile(join(userData, 'desktop-settings.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(saved).toMatchObject({ notifications: true, closeToTray: true, window: { maximized: false } });
    });
  });

  it('copies a fresh data-plane token, and pauses and resumes every pool from the tray', async () => {
    await started();
    trayItem('Copy a Fresh Token').click?.();
    await vi.waitFor(() => expect(fake.clipboard.split('.')).toHaveLength(3));
    trayItem('Pause All Pools').click?.();
    await vi.waitFor(() => expect(trayItem('Resume All Pools').enabled).toBe(true));
    trayItem('Open Dashboard in Browser').click?.();
    await vi.waitFor(() =>
      expect(fake.opened[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sessionite\/#token=[\w-]+$/),
    );
  });

  it('stops the emulator before letting the app quit, within the bound', async () => {
    const desktop = await started();
    const endpoint = new URL(window().url ?? '').origin;
    expect(desktop.beforeQuit()).toBe(false);
    expect(fake.trays[0]?.images.at(-1)).toMatch(/idle\.png$/);
    await vi.waitFor(() => expect(fake.quitCalls).toBe(1), { timeout: 20_000 });
    expect(desktop.beforeQuit()).toBe(true);
    await expect(fetch(`${endpoint}/healthz`)).rejects.toThrow();
    host = undefined;
  });
});
