import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, CHANNEL_NAMES } from '../shared/ipc.js';
import { senderCheck } from './harden.js';
import { registerIpcHandlers, type IpcHandlers, type IpcMainLike } from './ipc.js';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function fakeIpcMain(): IpcMainLike & { listeners: Map<string, Listener> } {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle: (channel, listener) => void listeners.set(channel, listener),
    removeHandler: (channel) => void listeners.delete(channel),
  };
}

function handlers(): IpcHandlers {
  return {
    adminEndpoint: vi.fn(async () => ({ origin: 'http://127.0.0.1:8080', token: 't' })),
    copyText: vi.fn(async () => undefined),
    openExternal: vi.fn(async () => undefined),
    revealDataFolder: vi.fn(async () => undefined),
    saveText: vi.fn(async () => undefined),
    openText: vi.fn(async () => undefined),
    keychainGet: vi.fn(async () => 'v'),
    keychainSet: vi.fn(async () => undefined),
  };
}

const trusted = { origin: 'http://127.0.0.1:8080', pathPrefix: '/_sessionite/' };
const WINDOW_ID = 3;

/** An IPC event as Electron builds it: the sending frame (null once gone) and its web contents. */
function event(
  url: string | null,
  options: { topFrame?: boolean; webContentsId?: number } = {},
): IpcMainInvokeEvent {
  const frame = url === null ? null : { url, parent: options.topFrame === false ? {} : null };
  return {
    senderFrame: frame,
    sender: { id: options.webContentsId ?? WINDOW_ID },
  } as unknown as IpcMainInvokeEvent;
}

function setup(): {
  ipc: ReturnType<typeof fakeIpcMain>;
  impl: IpcHandlers;
  call: (channel: string, e: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;
  dispose: () => void;
} {
  const ipc = fakeIpcMain();
  const impl = handlers();
  const dispose = registerIpcHandlers(
    ipc,
    impl,
    senderCheck(
      () => trusted,
      () => [WINDOW_ID],
    ),
  );
  const call = async (channel: string, e: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> => {
    const listener = ipc.listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(e, ...args);
  };
  return { ipc, impl, call, dispose };
}

const dashboard = 'http://127.0.0.1:8080/_sessionite/';

describe('IPC handlers', () => {
  it('registers exactly one handler per contract channel, and removes them again', () => {
    const { ipc, dispose } = setup();
    expect([...ipc.listeners.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
    expect(CHANNEL_NAMES).toHaveLength(8);
    dispose();
    expect(ipc.listeners.size).toBe(0);
  });

  it('answers the dashboard in our window', async () => {
    const { impl, call } = setup();
    await expect(call(CHANNELS.adminEndpoint, event(dashboard))).resolves.toEqual({
      origin: 'http://127.0.0.1:8080',
      token: 't',
    });
    await call(CHANNELS.keychainSet, event(`${dashboard}#settings`), 'k', null);
    expect(impl.keychainSet).toHaveBeenCalledWith('k', undefined);
  });

  it.each([
    ['another origin', event('https://evil.example/_sessionite/')],
    [
      'the data plane of the same origin',
      event('http://127.0.0.1:8080/subscriptions/s/resourceGroups/g/sessionPools/p/'),
    ],
    ['an iframe inside the dashboard', event(dashboard, { topFrame: false })],
    ['another web contents', event(dashboard, { webContentsId: 99 })],
    ['a frame that is gone', event(null)],
  ])('refuses %s before looking at the arguments', async (_what, e) => {
    const { impl, call } = setup();
    await expect(call(CHANNELS.adminEndpoint, e)).rejects.toThrow('refused (not the Sessionite window)');
    await expect(call(CHANNELS.keychainGet, e, 'k')).rejects.toThrow('refused');
    expect(impl.adminEndpoint).not.toHaveBeenCalled();
    expect(impl.keychainGet).not.toHaveBeenCalled();
  });

  it('refuses arguments of the wrong shape', async () => {
    const { impl, call } = setup();
    const e = event(dashboard);
    await expect(call(CHANNELS.copyText, e, { toString: () => 'x' })).rejects.toThrow(
      'sessionite:copyText: text must be a string',
    );
    await expect(call(CHANNELS.saveText, e, 'a.json', 42, 'application/json')).rejects.toThrow(
      'content must be a string',
    );
    await expect(call(CHANNELS.openText, e, { extensions: ['json', '../x'] })).rejects.toThrow(
      'bad extension',
    );
    await expect(call(CHANNELS.openExternal, e, 'x'.repeat(9000))).rejects.toThrow(
      'url must be a string of at most 8192',
    );
    expect(impl.copyText).not.toHaveBeenCalled();
    expect(impl.saveText).not.toHaveBeenCalled();
    expect(impl.openText).not.toHaveBeenCalled();
  });

  it('passes validated arguments through', async () => {
    const { impl, call } = setup();
    const e = event(dashboard);
    await call(CHANNELS.saveText, e, 'pool.json', '{}', 'application/json', 'ignored extra');
    expect(impl.saveText).toHaveBeenCalledWith('pool.json', '{}', 'application/json');
    await call(CHANNELS.openText, e, { title: 'Import a pool', extensions: ['json', 'yaml'] });
    expect(impl.openText).toHaveBeenCalledWith({ title: 'Import a pool', extensions: ['json', 'yaml'] });
  });
});
