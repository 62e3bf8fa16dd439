import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../renderer/src/platform/platform.js';
import { CHANNELS } from '../shared/ipc.js';
import { createDesktopPlatform, type Invoke } from './api.js';

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => 'answer'),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => bridge.exposed.set(name, api) },
  ipcRenderer: { invoke: bridge.invoke, send: vi.fn(), on: vi.fn() },
}));

beforeAll(async () => {
  await import('./index.js');
});

describe('preload', () => {
  it('exposes one object, `window.sessionite`, with named functions only — never ipcRenderer', () => {
    expect([...bridge.exposed.keys()]).toEqual(['sessionite']);
    const api = bridge.exposed.get('sessionite') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(
      [
        'adminEndpoint',
        'copyText',
        'keychainGet',
        'keychainSet',
        'kind',
        'openExternal',
        'openText',
        'revealDataFolder',
        'saveText',
      ].sort(),
    );
    expect(api.kind).toBe('electron');
    for (const [name, value] of Object.entries(api)) {
      if (name !== 'kind') expect(typeof value, name).toBe('function');
    }
    expect(Object.values(api)).not.toContain(bridge.invoke);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
    expect(api).not.toHaveProperty('on');
  });

  it('sends each call on its own channel with exactly its arguments', async () => {
    const api = bridge.exposed.get('sessionite') as ReturnType<typeof createDesktopPlatform>;
    bridge.invoke.mockClear();
    await api.adminEndpoint();
    await api.copyText('x');
    await api.openExternal('https://example.com/');
    await api.saveText('a.json', '{}', 'application/json');
    await api.revealDataFolder();
    await api.openText();
    await api.keychainGet('k');
    await api.keychainSet('k', undefined);
    expect(bridge.invoke.mock.calls).toEqual([
      [CHANNELS.adminEndpoint],
      [CHANNELS.copyText, 'x'],
      [CHANNELS.openExternal, 'https://example.com/'],
      [CHANNELS.saveText, 'a.json', '{}', 'application/json'],
      [CHANNELS.revealDataFolder],
      [CHANNELS.openText, {}],
      [CHANNELS.keychainGet, 'k'],
      [CHANNELS.keychainSet, 'k', undefined],
    ]);
  });

  it('is a renderer Platform (checked by the compiler; here, its members exist)', () => {
    const unused: Invoke = () => Promise.reject(new Error('not called'));
    const platform: Platform = createDesktopPlatform(unused);
    expect(platform.kind).toBe('electron');
    expect(typeof platform.saveText).toBe('function');
  });
});
