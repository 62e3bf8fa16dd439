import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from './file-store.js';
import type { KeytarModule } from './keytar-store.js';
import { keychainService, openSecretStore } from './secret-store.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-secrets-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** An in-memory keychain with keytar's API. */
function fakeKeytar(): KeytarModule & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const key = (service: string, account: string): string => `${service}\u0000${account}`;
  return {
    entries,
    getPassword: async (service, account) => entries.get(key(service, account)) ?? null,
    setPassword: async (service, account, password) => {
      entries.set(key(service, account), password);
    },
    deletePassword: async (service, account) => entries.delete(key(service, account)),
    findCredentials: async (service) =>
      [...entries]
        .filter(([k]) => k.startsWith(`${service}\u0000`))
        .map(([k, password]) => ({ account: k.split('\u0000')[1] ?? '', password })),
  };
}

describe('openSecretStore', () => {
  it('uses the keychain when keytar loads and answers', async () => {
    const keytar = fakeKeytar();
    const { store, message } = await openSecretStore({ dataDir, prefer: 'auto', loadKeytar: async () => keytar });
    expect(store.kind).toBe('keychain');
    expect(message).toContain(`the OS keychain (service '${keychainService(dataDir)}')`);
    await store.set('pool1', { pw: 'value-1' });
    expect(await store.get('pool1')).toEqual({ pw: 'value-1' });
    expect(await store.pools()).toEqual(['pool1']);
    await store.set('pool1', {});
    expect(await store.pools()).toEqual([]);
  });

  it('falls back to the 0600 file and says why', async () => {
    const { store, message } = await openSecretStore({
      dataDir,
      prefer: 'auto',
      loadKeytar: () => Promise.reject(Object.assign(new Error("Cannot find package 'keytar'"), { code: 'ERR_MODULE_NOT_FOUND' })),
    });
    expect(store.kind).toBe('file');
    expect(message).toMatch(/secrets\.json \(readable only by you\) \(OS keychain not usable: the optional keytar package is not installed\)$/);
  });

  it('falls back when the keychain does not answer in time', async () => {
    const hanging = { ...fakeKeytar(), findCredentials: () => new Promise<never>(() => undefined) };
    const { store, message } = await openSecretStore({ dataDir, prefer: 'auto', loadKeytar: async () => hanging, probeTimeoutMs: 20 });
    expect(store.kind).toBe('file');
    expect(message).toContain('did not answer within 20 ms');
  });

  it('an explicit keychain preference that cannot work is an error', async () => {
    await expect(
      openSecretStore({ dataDir, prefer: 'keychain', loadKeytar: () => Promise.reject(new Error('no keytar')) }),
    ).rejects.toThrow('the OS keychain was requested');
  });

  it('keychain entries are separate per data folder', () => {
    expect(keychainService('/a')).not.toBe(keychainService('/b'));
  });
});

describe('FileSecretStore', () => {
  it('writes a 0600 file, survives reopening, and removes the file when empty', async () => {
    const store = await FileSecretStore.open(dataDir);
    await store.set('pool1', { a: '1' });
    await store.set('pool2', { b: '2' });
    const path = join(dataDir, 'secrets.json');
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    const reopened = await FileSecretStore.open(dataDir);
    expect(await reopened.get('pool2')).toEqual({ b: '2' });
    await reopened.delete('pool1');
    await reopened.delete('pool2');
    await expect(readFile(path)).rejects.toThrow();
  });

  it('makes a file that became readable by others private again', async () => {
    if (process.platform === 'win32') return;
    const path = join(dataDir, 'secrets.json');
    await writeFile(path, JSON.stringify({ version: 1, pools: { p: { a: '1' } } }));
    await chmod(path, 0o644);
    await FileSecretStore.open(dataDir);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('never quotes a damaged file in its error', async () => {
    await writeFile(join(dataDir, 'secrets.json'), '{"pools":{"p":{"a":"top-secret"', { mode: 0o600 });
    const error = await FileSecretStore.open(dataDir).then(
      () => '',
      (e: unknown) => (e instanceof Error ? e.message : 'not an Error'),
    );
    expect(error).toContain('not valid JSON');
    expect(error).not.toContain('top-secret');
  });
});
