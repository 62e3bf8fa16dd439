import { app, clipboard, dialog, shell, type BrowserWindow, type FileFilter } from 'electron';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { AdminEndpoint } from '../shared/ipc.js';
import type { IpcHandlers } from './ipc.js';
import type { DesktopKeychain } from './keychain.js';
import { externalUrl, safeFileName } from './security.js';

/**
 * The OS features behind the preload's functions. Paths never come from the page: files are chosen by
 * the user in a native dialog, and the only folder that can be revealed is the emulator's data folder.
 */
export interface OsServiceDeps {
  window: () => BrowserWindow | undefined;
  adminEndpoint: () => AdminEndpoint;
  dataDir: () => string;
  keychain: DesktopKeychain;
}

/** Imports are read whole into the renderer: a bound keeps a mistaken pick (a disk image) harmless. */
export const MAX_OPEN_BYTES = 16 * 1024 * 1024;

export async function openExternally(url: string): Promise<void> {
  const safe = externalUrl(url);
  if (!safe) throw new Error('only http and https URLs are opened in the browser');
  await shell.openExternal(safe);
}

function saveFilters(fileName: string): FileFilter[] {
  const ext = extname(fileName).slice(1);
  return ext
    ? [
        { name: ext.toUpperCase(), extensions: [ext] },
        { name: 'All Files', extensions: ['*'] },
      ]
    : [];
}

export function osServices(deps: OsServiceDeps): IpcHandlers {
  const parent = (): BrowserWindow | undefined => {
    const window = deps.window();
    return window && !window.isDestroyed() ? window : undefined;
  };
  return {
    adminEndpoint: async () => deps.adminEndpoint(),
    copyText: async (text) => clipboard.writeText(text),
    openExternal: (url) => openExternally(url),
    revealDataFolder: async () => {
      const problem = await shell.openPath(deps.dataDir());
      if (problem) throw new Error(problem);
    },
    saveText: async (fileName, content) => {
      const name = safeFileName(fileName);
      const options = { defaultPath: join(app.getPath('downloads'), name), filters: saveFilters(name) };
      const window = parent();
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return;
      await writeFile(result.filePath, content, 'utf8');
    },
    openText: async (options) => {
      const filters = options.extensions?.length
        ? [{ name: 'Supported', extensions: options.extensions }]
        : [];
      const dialogOptions = { title: options.title, properties: ['openFile' as const], filters };
      const window = parent();
      const result = window
        ? await dialog.showOpenDialog(window, dialogOptions)
        : await dialog.showOpenDialog(dialogOptions);
      const path = result.canceled ? undefined : result.filePaths[0];
      if (!path) return undefined;
      if ((await stat(path)).size > MAX_OPEN_BYTES)
        throw new Error(`the file is larger than ${MAX_OPEN_BYTES / 1024 / 1024} MiB`);
      return { fileName: basename(path), content: await readFile(path, 'utf8') };
    },
    keychainGet: (key) => deps.keychain.get(key),
    keychainSet: (key, value) => deps.keychain.set(key, value),
  };
}
