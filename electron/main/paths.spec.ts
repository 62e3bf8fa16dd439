import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, userFolders } from './paths.js';

describe('run-time paths', () => {
  const root = join('/', 'work', 'app');

  it('finds preload, renderer and icons beside the built main process in development', () => {
    expect(
      appPaths({ packaged: false, resourcesPath: '/unused', mainDir: join(root, 'out', 'main') }),
    ).toEqual({
      preload: join(root, 'out', 'preload', 'index.cjs'),
      rendererDir: join(root, 'out', 'renderer'),
      iconsDir: join(root, 'resources', 'icons'),
    });
  });

  it('reads the tray icons from next to app.asar when packaged', () => {
    const resources = join('/', 'opt', 'Sessionite', 'resources');
    const paths = appPaths({
      packaged: true,
      resourcesPath: resources,
      mainDir: join(resources, 'app.asar', 'out', 'main'),
    });
    expect(paths.preload).toBe(join(resources, 'app.asar', 'out', 'preload', 'index.cjs'));
    expect(paths.iconsDir).toBe(join(resources, 'icons'));
  });

  it('keeps the emulator data and the keychain fallback in folders of their own', () => {
    expect(userFolders('/u')).toEqual({
      userData: '/u',
      dataDir: join('/u', 'data'),
      keychainDir: join('/u', 'keychain'),
    });
  });
});
