import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostSettingsFromFlags } from '../../emulator/host/hosted.js';
import { parseAppArgs } from './args.js';

const appDefaults = {
  host: '127.0.0.1',
  port: 47001,
  httpsPort: 47002,
  dataDir: '/home/me/.config/Sessionite/data',
};

describe('app command line', () => {
  it('runs the desktop app by default, with remembered ports and the app data folder', () => {
    const args = parseAppArgs([]);
    expect(args).toEqual({ headless: false, start: {}, explicitPorts: { http: false, https: false } });
    expect(hostSettingsFromFlags(args.start, appDefaults)).toEqual({ ...appDefaults, authMode: undefined });
  });

  it('takes --headless and the flags of `sessionite start`', () => {
    const args = parseAppArgs([
      '--headless',
      '--port',
      '9000',
      '--https-port=0',
      '--data-dir',
      'here',
      '--config',
      'pools.yaml',
      '--auth',
      'strict',
    ]);
    expect(args.headless).toBe(true);
    expect(args.explicitPorts).toEqual({ http: true, https: true });
    expect(hostSettingsFromFlags(args.start, appDefaults)).toEqual({
      configPath: resolve('pools.yaml'),
      host: '127.0.0.1',
      port: 9000,
      httpsPort: 0,
      dataDir: resolve('here'),
      authMode: 'strict',
    });
  });

  it('ignores what Electron and Chromium add: the app path, their switches, macOS process serial numbers', () => {
    const args = parseAppArgs([
      'out/main/index.js',
      '--inspect=0',
      '--remote-debugging-port=0',
      '--no-sandbox',
      '-psn_0_12345',
      '--headless',
    ]);
    expect(args.headless).toBe(true);
    expect(args.start).toEqual({});
  });

  it('takes a user-data folder (tests and side-by-side instances)', () => {
    expect(parseAppArgs(['--user-data-dir', 'profile']).userDataDir).toBe(resolve('profile'));
    expect(() => parseAppArgs(['--user-data-dir'])).toThrow('--user-data-dir needs a value');
  });

  it('rejects what the CLI rejects, with the same messages', () => {
    const start = (argv: string[]): unknown => hostSettingsFromFlags(parseAppArgs(argv).start, appDefaults);
    expect(() => start(['--port', '70000'])).toThrow("--port must be 0–65535, got '70000'");
    expect(() => start(['--https-port', 'x'])).toThrow("--https-port must be 0–65535, got 'x'");
    expect(() => start(['--auth', 'maybe'])).toThrow('--auth must be strict, basic or off');
    expect(() => start(['--tls-cert', 'c.pem'])).toThrow('--tls-cert and --tls-key go together');
    expect(() => start(['--port'])).toThrow('--port needs a value');
  });
});
