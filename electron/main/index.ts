import { app, dialog } from 'electron';
import { join } from 'node:path';
import { parseAppArgs, type AppArgs } from './args.js';
import { DesktopHost } from './desktop.js';
import { runHeadless } from './headless.js';
import { createLog } from './log.js';

/**
 * The Electron entry point: parse the command line, then run either the headless server or the
 * desktop app. Both construct the emulator through `emulator/host/hosted.ts`, like the CLI.
 */
function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parse(): AppArgs | undefined {
  try {
    return parseAppArgs(process.argv.slice(1));
  } catch (error) {
    process.stderr.write(`sessionite: ${message(error)}\n`);
    return undefined;
  }
}

function runDesktopApp(args: AppArgs): void {
  const log = createLog(join(app.getPath('userData'), 'logs', 'main.log'));
  const desktop = new DesktopHost(args, log);
  app.on('second-instance', () => desktop.showWindow());
  app.on('activate', () => desktop.showWindow());
  app.on('window-all-closed', () => {
    if (!desktop.keepsRunningWithoutWindows) app.quit();
  });
  app.on('before-quit', (event) => {
    if (!desktop.beforeQuit()) event.preventDefault();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  app
    .whenReady()
    .then(() => desktop.start())
    .catch((error: unknown) => {
      log(`could not start: ${message(error)}`);
      dialog.showErrorBox('Sessionite could not start', message(error));
      app.exit(1);
    });
}

function main(args: AppArgs): void {
  // One name and user-data folder whether started packaged, from `electron out/main/index.js`, or by a
  // test (which passes its own folder); the single-instance lock is per user-data folder.
  // Development runs get their own folder, so `npm run dev` never collides with an installed app's data.
  app.setName('Sessionite');
  const folder = app.isPackaged ? 'Sessionite' : 'Sessionite (development)';
  app.setPath('userData', args.userDataDir ?? join(app.getPath('appData'), folder));
  if (args.headless) {
    runHeadless(args).then(
      (code) => app.exit(code),
      (error: unknown) => {
        process.stderr.write(`sessionite: ${message(error)}\n`);
        app.exit(1);
      },
    );
  } else if (!app.requestSingleInstanceLock()) {
    // Another instance owns this user-data folder: it focuses its window (`second-instance`); we leave.
    app.exit(0);
  } else {
    runDesktopApp(args);
  }
}

const args = parse();
if (args) main(args);
else app.exit(2);
