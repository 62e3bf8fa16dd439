import { app } from 'electron';
import {
  createHostedEmulator,
  hostSettingsFromFlags,
  readyLine,
  stopOnSignals,
} from '../../emulator/host/hosted.js';
import type { AppArgs } from './args.js';
import { listeningPorts, portsToRemember, startWithPortFallback } from './emulator-host.js';
import { appPaths, userFolders } from './paths.js';
import { SettingsStore } from './settings.js';

/**
 * `Sessionite --headless`: the installed app as a server, no window, no tray. It behaves like
 * `sessionite start` — the same flags, the same one JSON ready line on stdout, progress on stderr,
 * SIGINT/SIGTERM stop it and remove its containers — with the app's defaults: its data folder and
 * its remembered ports (which, as in the window, fall back to 0 when taken; explicit flags never do).
 * Resolves with the exit code.
 */
export async function runHeadless(args: AppArgs): Promise<number> {
  app.dock?.hide();
  const log = (line: string): void => {
    process.stderr.write(`sessionite: ${line}\n`);
  };
  const folders = userFolders(app.getPath('userData'));
  const settings = await SettingsStore.open(folders.userData, (error) =>
    log(`could not save settings: ${String(error)}`),
  );
  const remembered = settings.get().ports;
  const hostSettings = hostSettingsFromFlags(args.start, {
    host: '127.0.0.1',
    port: remembered?.http ?? 8080,
    httpsPort: remembered?.https ?? 0,
    dataDir: folders.dataDir,
  });
  const preference = { httpExplicit: args.explicitPorts.http, httpsExplicit: args.explicitPorts.https };
  const { rendererDir } = appPaths({ packaged: app.isPackaged, resourcesPath: process.resourcesPath });
  const started = await startWithPortFallback(
    hostSettings,
    preference,
    (s) => createHostedEmulator(s, { log, admin: { rendererDir } }),
    log,
  );
  settings.update({ ports: portsToRemember(remembered, listeningPorts(started.ready), preference) }, 0);
  await settings.flush();
  const stopped = stopOnSignals(started.emulator, log);
  process.stdout.write(readyLine(started.ready));
  return stopped;
}
