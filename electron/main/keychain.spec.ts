import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keychainService } from '../../emulator/secrets/secret-store.js';
import type { KeytarModule } from '../../emulator/secrets/keytar-store.js';
import { DesktopKeychain, KEYCHAIN_ENTRY } from './keychain.js';
import { userFolders } from './paths.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function folders(): Promise<ReturnType<typeof userFolders>> {
  root = await mkdtemp(join(tmpdir(), 'sessionite-keychain-'));
  return userFolders(root);
}

function fakeKeytar(): KeytarModule & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (service, account) => entries.get(`${service}|${account}`) ?? null,
    setPassword: async (service, account, password) => void entries.set(`${service}|${account}`, password),
    deletePassword: async (service, account) => entries.delete(`${service}|${account}`),
    findCredentials: async (service) =>
      [...entries]
        .filter(([key]) => key.startsWith(`${service}|`))
        .map(([key, password]) => ({ account: key.split('|')[1] ?? '', password })),
  };
}

describe('desktop keychain', () => {
  it('falls back to a 0600 file in its own folder when keytar is missing', async () => {
    const { keychainDir, dataDir } = await folders();
    const lines: string[] = [];
    const keychain = new DesktopKeychain({
      dataDir: keychainDir,
      prefer: 'auto',
      loadKeytar: () => Promise.reject(new Error("Cannot find package 'keytar'")),
      log: (line) => lines.push(line),
    });
    await keychain.set('registry.password', 's3cret');
    expect(await keychain.get('registry.password')).toBe('s3cret');
    expect(await keychain.kind()).toBe('file');
    const file = join(keychainDir, 'secrets.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      version: 1,
      pools: { [KEYCHAIN_ENTRY]: { 'registry.password': 's3cret' } },
    });
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Never beside the emulator's pool secrets, whose persistence deletes entries it does not own.
    expect(keychainDir).not.toBe(dataDir);
    expect(lines).toEqual([
      expect.stringMatching(
        /^desktop keychain: kept in .*secrets\.json \(readable only by you\) \(OS keychain not usable: .*keytar/,
      ),
    ]);
  });

  it('uses the OS keychain through keytar when it works, under its own service name', async () => {
    const { keychainDir, dataDir } = await folders();
    const keytar = fakeKeytar();
    const keychain = new DesktopKeychain({
      dataDir: keychainDir,
      prefer: 'auto',
      loadKeytar: async () => keytar,
    });
    await keychain.set('token', 'abc');
    expect(await keychain.kind()).toBe('keychain');
    expect([...keytar.entries.keys()]).toEqual([`${keychainService(keychainDir)}|${KEYCHAIN_ENTRY}`]);
    expect(keychainService(keychainDir)).not.toBe(keychainService(dataDir));
    await keychain.set('token', undefined);
    expect(await keychain.get('token')).toBeUndefined();
  });

  it('loses no value when the page sets several at once', async () => {
    const { keychainDir } = await folders();
    const keychain = new DesktopKeychain({ dataDir: keychainDir, prefer: 'file' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => keychain.set(`k${i}`, `v${i}`)));
    expect(await Promise.all(Array.from({ length: 10 }, (_, i) => keychain.get(`k${i}`)))).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${i}`),
    );
  });

  it('refuses keys outside the small alphabet and oversized values', async () => {
    const { keychainDir } = await folders();
    const keychain = new DesktopKeychain({ dataDir: keychainDir, prefer: 'file' });
    await expect(keychain.set('../x', 'v')).rejects.toThrow('invalid keychain key');
    await expect(keychain.get('')).rejects.toThrow('invalid keychain key');
    await expect(keychain.set('ok', 'x'.repeat(64 * 1024 + 1))).rejects.toThrow('invalid keychain value');
  });
});
