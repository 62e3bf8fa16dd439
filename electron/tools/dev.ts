import { spawnSync } from 'node:child_process';
import { findElectronBinary } from './electron-binary.js';

/**
 * `npm run dev`: electron-vite in development (Vite dev server for the renderer, hot-rebuilt main and
 * preload). package.json's `main` is the npm library's entry, so the Electron entry is named here.
 */
const binary = findElectronBinary();
if (binary.reason !== undefined) {
  process.stderr.write(
    `npm run dev: cannot start the desktop app: ${binary.reason}.\nThe dashboard alone runs with \`npm run dev:renderer\`.\n`,
  );
  process.exit(1);
}
const result = spawnSync('npx', ['electron-vite', 'dev', '--watch', ...process.argv.slice(2)], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, ELECTRON_ENTRY: 'out/main/index.js' },
});
process.exit(result.status ?? 1);
