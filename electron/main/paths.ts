import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built pieces are at run time. electron-vite writes `out/main`, `out/preload` and
 * `out/renderer` side by side, in the project (development) and inside `app.asar` (packaged) alike;
 * icons for the tray are copied next to `app.asar` by electron-builder (`extraResources`).
 */
export interface AppPaths {
  preload: string;
  /** The built dashboard the emulator serves under `/_sessionite/`. */
  rendererDir: string;
  /** Tray and window icons. */
  iconsDir: string;
}

export function appPaths(options: { packaged: boolean; resourcesPath: string; mainDir?: string }): AppPaths {
  const mainDir = options.mainDir ?? dirname(fileURLToPath(import.meta.url));
  const outDir = dirname(mainDir);
  return {
    preload: join(outDir, 'preload', 'index.cjs'),
    rendererDir: join(outDir, 'renderer'),
    iconsDir: options.packaged
      ? join(options.resourcesPath, 'icons')
      : join(dirname(outDir), 'resources', 'icons'),
  };
}

/** The app's folders: user data (settings, keychain fallback) and, inside it, the emulator's data folder. */
export function userFolders(userDataDir: string): { userData: string; dataDir: string; keychainDir: string } {
  return {
    userData: userDataDir,
    // Chromium keeps caches and storage in userData; the emulator's state gets a folder of its own so
    // "Reveal Data Folder" shows only Sessionite's files.
    dataDir: join(userDataDir, 'data'),
    keychainDir: join(userDataDir, 'keychain'),
  };
}
