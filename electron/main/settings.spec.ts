import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_FILE, SettingsStore } from './settings.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('desktop settings', () => {
  it('defaults to keeping running in the tray and no notifications', () => {
    expect(parseSettings(undefined)).toEqual({ closeToTray: true, notifications: false });
    expect(parseSettings('not json')).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps every valid field of a partly broken file', () => {
    const text = JSON.stringify({
      ports: { http: 8080, https: 99999 },
      window: { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true },
      notifications: true,
      closeToTray: 'yes',
    });
    expect(parseSettings(text)).toEqual({
      closeToTray: true,
      notifications: true,
      window: { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true },
    });
  });

  it('writes changes to a file only the user can read, and reads them back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sessionite-settings-'));
    const store = await SettingsStore.open(dir, (error) => {
      throw error;
    });
    store.update({ ports: { http: 8080, https: 45000 }, notifications: true }, 10_000);
    await store.flush();
    const path = join(dir, SETTINGS_FILE);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      version: 1,
      ports: { http: 8080, https: 45000 },
      notifications: true,
    });
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = await SettingsStore.open(dir, () => undefined);
    expect(again.get()).toEqual({
      closeToTray: true,
      notifications: true,
      ports: { http: 8080, https: 45000 },
    });
  });
});
