import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import type { UserConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const devTarget = process.env.SESSIONITE_URL ?? 'http://127.0.0.1:8080';

/**
 * The renderer's build, shared by the web build (`npm run build:renderer` → `dist/renderer`, served by
 * the emulator under `/_sessionite/`) and electron-vite (`electron.vite.config.ts`). `base: './'` keeps
 * every asset URL relative, so the same files work under `/_sessionite/` and from `file://`.
 */
export function rendererConfig(
  outDir = fileURLToPath(new URL('../dist/renderer', import.meta.url)),
): UserConfig {
  return {
    root,
    base: './',
    plugins: [vue()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      // Named explicitly: electron-vite requires it (its default is src/renderer/index.html).
      rolldownOptions: { input: fileURLToPath(new URL('index.html', import.meta.url)) },
    },
    // `npm run dev:renderer`: the dev server forwards the admin API to a running emulator
    // (SESSIONITE_URL, default http://127.0.0.1:8080) and presents the emulator's own origin, which the
    // API's Origin check accepts.
    server: {
      proxy: {
        '/_sessionite/api': {
          target: devTarget,
          changeOrigin: true,
          configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('origin', devTarget)),
        },
      },
    },
  };
}

export default rendererConfig();
