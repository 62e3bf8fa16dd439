import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { findElectronBinary } from './electron-binary.js';

/**
 * `npm run dist`: the desktop installers for this machine's OS (electron-builder.yml: AppImage + deb,
 * dmg, nsis). electron-builder packages the Electron binary of node_modules/electron/dist (no download
 * at packaging time), so that binary must be installed; without it this stops with the reason instead
 * of electron-builder failing later on a network error. Extra arguments go to electron-builder
 * (`npm run dist -- --linux deb`).
 */
function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const binary = findElectronBinary();
if (binary.reason !== undefined) {
  process.stderr.write(
    `npm run dist: cannot package the desktop app: ${binary.reason}.\n` +
      'Packaging needs the Electron binary for the target OS; on machines without internet use CI artifacts instead.\n',
  );
  process.exit(1);
}
// On macOS the binary is Electron.app/Contents/MacOS/Electron; electronDist wants the folder holding Electron.app.
const dist =
  process.platform === 'darwin' ? dirname(dirname(dirname(dirname(binary.path)))) : dirname(binary.path);
run('npm', ['run', '-s', 'build']);
run('npx', ['electron-builder', '--publish', 'never', `-c.electronDist=${dist}`, ...process.argv.slice(2)]);
