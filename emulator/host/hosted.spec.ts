import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHostedEmulator, hostSettingsFromFlags, readyLine } from './hosted.js';

const sampleConfig = fileURLToPath(new URL('../../resources/sample-pool/sessionite.yaml', import.meta.url));
const defaults = { host: '127.0.0.1', port: 8080, httpsPort: 0, dataDir: '/tmp/sessionite-hosted-spec' };

describe('hosting the emulator (shared by the CLI and the desktop app)', () => {
  it('prints the ready info as exactly one JSON line', () => {
    const line = readyLine({ event: 'ready', http: 'http://127.0.0.1:8080', pools: { a: 'http://x' } });
    expect(line).toBe('{"event":"ready","http":"http://127.0.0.1:8080","pools":{"a":"http://x"}}\n');
  });

  it('constructs the emulator from the config file with the admin API, without starting it', async () => {
    const settings = hostSettingsFromFlags({ config: sampleConfig, auth: 'strict' }, defaults);
    const { emulator, admin } = await createHostedEmulator(settings, {
      log: () => undefined,
      admin: { requireToken: true, token: 'fixed' },
    });
    expect(emulator.state).toBe('closed');
    expect(emulator.listPools().map((pool) => pool.name)).toEqual(['sample']);
    expect(admin.tokenRequired).toBe(true);
    expect(admin.token).toBe('fixed');
  });

  it('requires the admin token only off loopback unless the host asks', async () => {
    const local = await createHostedEmulator(hostSettingsFromFlags({}, defaults), { log: () => undefined });
    expect(local.admin.tokenRequired).toBe(false);
    const lan = await createHostedEmulator(hostSettingsFromFlags({ host: '0.0.0.0' }, defaults), {
      log: () => undefined,
    });
    expect(lan.admin.tokenRequired).toBe(true);
  });
});
