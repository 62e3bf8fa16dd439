import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import type { UserConfig } from 'vite';
import { devEmulatorPort } from './electron/shared/dev.js';
import { rendererConfig } from './renderer/vite.config.js';

/**
 * electron-vite entries: `out/main` (the Electron host, ESM), `out/preload` (one CommonJS file: a
 * sandboxed preload can neither be an ES module nor require anything but `electron`) and
 * `out/renderer` (the dashboard, electron-vite's default place beside main and preload).
 */
const entry = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Development only: the window loads Vite's dev server, which forwards the admin API to the emulator
 * that main starts on `devEmulatorPort()` — page and API share one origin, as in production, where the
 * emulator serves the built files itself. Builds are untouched.
 */
function withAdminApiProxy(config: UserConfig): UserConfig {
  const target = `http://127.0.0.1:${devEmulatorPort()}`;
  return {
    ...config,
    server: { ...config.server, proxy: { '/_sessionite/api': { target, changeOrigin: true } } },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      sourcemap: true,
      // Dependencies stay external (installed, and rebuilt for Electron when native). keytar is an
      // optional one that may be missing: it is loaded at run time, with the 0600-file fallback.
      externalizeDeps: { include: ['keytar'] },
      rolldownOptions: { input: { index: entry('electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      sourcemap: 'inline',
      rolldownOptions: {
        input: { index: entry('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: withAdminApiProxy(rendererConfig('out/renderer')),
});
