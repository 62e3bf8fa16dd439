import { BrowserWindow, Menu, Notification, app, clipboard, dialog, ipcMain, session } from 'electron';
import { DASHBOARD_PATH, DATA_PLANE_AUDIENCE } from '../../emulator/admin/contract.js';
import type { TimedEvent } from '../../emulator/events.js';
import { createHostedEmulator, hostSettingsFromFlags } from '../../emulator/host/hosted.js';
import { devEmulatorPort } from '../shared/dev.js';
import type { AppArgs } from './args.js';
import {
  listeningPorts,
  portsToRemember,
  startWithPortFallback,
  stopWithin,
  type PortPreference,
  type StartedHost,
} from './emulator-host.js';
import { guardWebContents, hardenSession, senderCheck } from './harden.js';
import { registerIpcHandlers, type IpcHandlers } from './ipc.js';
import { DesktopKeychain } from './keychain.js';
import { aboutDetail, appMenuTemplate } from './menu.js';
import { openExternally, osServices } from './os-services.js';
import { appPaths, userFolders } from './paths.js';
import { contentSecurityPolicy, type TrustedPage } from './security.js';
import { SettingsStore } from './settings.js';
import { TrayController } from './tray.js';
import type { TrayAction } from './tray-menu.js';
import { initialTrayModel, reduceTray, type PoolFailureNotice, type TrayModel } from './tray-state.js';
import { createMainWindow, focusWindow } from './window.js';

/** Quitting never takes longer than this, whatever the container engine does. */
export const QUIT_BOUND_MS = 10_000;

/**
 * The desktop app: a thin host around the same Emulator as `sessionite start`. It owns the window,
 * the tray and the OS features; everything about pools and sessions stays in the emulator and reaches
 * the dashboard through the admin HTTP API.
 *
 * Where the window's page comes from: the emulator serves the built dashboard under `/_sessionite/`
 * and the window loads it from there, so the page and the admin API share one origin. The admin
 * guard (Host, Origin, `Sec-Fetch-Site`, token) then works unchanged, with no CORS and no `file://`
 * or custom-protocol origin to allow-list. In development the page comes from Vite's dev server,
 * which proxies `/_sessionite/api` to the emulator (same origin again, and hot reload).
 */
export class DesktopHost {
  private readonly paths = appPaths({ packaged: app.isPackaged, resourcesPath: process.resourcesPath });
  private readonly folders = userFolders(app.getPath('userData'));
  private readonly devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  private readonly tray: TrayController;
  private settings?: SettingsStore;
  private services?: IpcHandlers;
  private host?: StartedHost;
  private window?: BrowserWindow;
  private trusted?: TrustedPage;
  private model: TrayModel = initialTrayModel();
  private phase: 'running' | 'stopping' | 'stopped' = 'running';

  constructor(
    private readonly args: AppArgs,
    private readonly log: (line: string) => void,
  ) {
    this.tray = new TrayController(this.paths.iconsDir, (action) => void this.onTrayAction(action));
  }

  async start(): Promise<void> {
    this.settings = await SettingsStore.open(this.folders.userData, (error) =>
      this.log(`could not save settings: ${String(error)}`),
    );
    this.secure();
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, this.menuActions())));
    this.renderTray();
    const previousPorts = this.settings.get().ports;
    this.host = await this.startEmulator();
    const { emulator } = this.host;
    const used = listeningPorts(this.host.ready);
    this.settings.update({ ports: portsToRemember(previousPorts, used, this.portPreference()) }, 0);
    this.model = initialTrayModel({
      runtime: emulator.runtimeStatus(),
      paused: emulator.poolsPaused,
      failedPools: emulator
        .listPools()
        .flatMap((p) =>
          p.state === 'failed' ? [{ name: p.name, image: p.spec.container.image, problem: p.problem }] : [],
        ),
    });
    emulator.events.subscribe((event) => this.onEngineEvent(event));
    this.trusted = this.devServer
      ? { origin: new URL(this.devServer).origin, pathPrefix: '/' }
      : { origin: new URL(emulator.httpUrl).origin, pathPrefix: DASHBOARD_PATH };
    this.renderTray();
    this.showWindow();
    this.log(`desktop ready: ${emulator.httpUrl} (data folder ${this.folders.dataDir})`);
  }

  /** CSP, permission refusal, navigation guards on every web contents, and the IPC handlers. */
  private secure(): void {
    hardenSession(session.defaultSession, contentSecurityPolicy({ devServerOrigin: this.devServer }));
    app.on('web-contents-created', (_event, contents) =>
      guardWebContents(contents, {
        trusted: () => this.trusted,
        openExternal: (url) => void openExternally(url).catch((error: unknown) => this.log(String(error))),
        log: this.log,
      }),
    );
    const keychain = new DesktopKeychain({ dataDir: this.folders.keychainDir, log: this.log });
    const services = (this.services = osServices({
      window: () => this.window,
      adminEndpoint: () => ({ origin: this.trusted?.origin ?? '', token: this.host?.admin.token }),
      dataDir: () => this.host?.emulator.dataDir ?? this.folders.dataDir,
      keychain,
    }));
    const windowIds = (): number[] =>
      this.window && !this.window.isDestroyed() ? [this.window.webContents.id] : [];
    registerIpcHandlers(
      ipcMain,
      services,
      senderCheck(() => this.trusted, windowIds),
    );
  }

  private async startEmulator(): Promise<StartedHost> {
    const remembered = this.settings?.get().ports;
    const devPort = this.devServer ? devEmulatorPort() : undefined;
    const settings = hostSettingsFromFlags(this.args.start, {
      host: '127.0.0.1',
      port: devPort ?? remembered?.http ?? 8080,
      httpsPort: remembered?.https ?? 0,
      dataDir: this.folders.dataDir,
    });
    const admin = {
      // Electron can present the token, so the admin API requires it even on loopback: other local
      // programs and other users' browsers get nothing from it without this run's token.
      requireToken: true,
      rendererDir: this.paths.rendererDir,
      ...(this.devServer ? { allowedOrigins: [new URL(this.devServer).origin] } : {}),
    };
    return startWithPortFallback(
      settings,
      this.portPreference(),
      (s) => createHostedEmulator(s, { log: this.log, admin }),
      this.log,
    );
  }

  /** Ports from the command line (or the fixed development port) are binding and never remembered. */
  private portPreference(): PortPreference {
    return {
      httpExplicit: this.args.explicitPorts.http || this.devServer !== undefined,
      httpsExplicit: this.args.explicitPorts.https,
    };
  }

  showWindow(): void {
    if (!this.trusted) return;
    if (!this.window || this.window.isDestroyed()) {
      this.window = createMainWindow({
        preload: this.paths.preload,
        iconsDir: this.paths.iconsDir,
        saved: this.settings?.get().window,
        onStateChange: (state) => this.settings?.update({ window: state }),
        hideOnClose: () => this.phase === 'running' && (this.settings?.get().closeToTray ?? true),
      });
      const url = this.devServer ?? `${this.trusted.origin}${DASHBOARD_PATH}`;
      this.window
        .loadURL(url)
        .catch((error: unknown) => this.log(`the window could not load ${url}: ${String(error)}`));
    }
    focusWindow(this.window);
  }

  private onEngineEvent(event: TimedEvent): void {
    const { model, notices } = reduceTray(this.model, event);
    const poolsChanged = event.type === 'pool.created' || event.type === 'pool.deleted';
    if (model === this.model && !poolsChanged) return;
    this.model = model;
    this.renderTray();
    if (this.settings?.get().notifications) for (const notice of notices) this.notify(notice);
  }

  private notify(notice: PoolFailureNotice): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body });
    notification.on('click', () => this.showWindow());
    notification.show();
  }

  private renderTray(): void {
    const settings = this.settings?.get();
    this.tray.render({
      model: this.model,
      pools: this.host?.emulator.listPools().map((pool) => pool.name) ?? [],
      closeToTray: settings?.closeToTray ?? true,
      notifications: settings?.notifications ?? false,
    });
  }

  private async onTrayAction(action: TrayAction): Promise<void> {
    const emulator = this.host?.emulator;
    try {
      switch (action.type) {
        case 'showWindow':
          return this.showWindow();
        case 'openDashboard':
          if (this.host && emulator) await openExternally(this.host.admin.dashboardUrl(emulator));
          return;
        case 'copyEndpoint':
          if (emulator) clipboard.writeText(emulator.poolEndpoint(action.pool));
          return;
        case 'copyToken':
          if (emulator) {
            const token = await emulator.identity.issueToken({
              resource: DATA_PLANE_AUDIENCE,
              origin: emulator.httpsUrl,
            });
            clipboard.writeText(token.accessToken);
          }
          return;
        case 'setPaused':
          emulator?.setPoolsPaused(action.paused);
          this.model = { ...this.model, paused: action.paused };
          break;
        case 'setCloseToTray':
          this.settings?.update({ closeToTray: action.value });
          break;
        case 'setNotifications':
          this.settings?.update({ notifications: action.value });
          break;
        case 'quit':
          app.quit();
          return;
      }
      this.renderTray();
    } catch (error) {
      this.log(`tray action ${action.type} failed: ${String(error)}`);
    }
  }

  private menuActions(): Parameters<typeof appMenuTemplate>[1] {
    return {
      about: () => void this.showAbout(),
      openDashboard: () => void this.onTrayAction({ type: 'openDashboard' }),
      revealDataFolder: () =>
        void this.services
          ?.revealDataFolder()
          .catch((error: unknown) => this.log(`could not open the data folder: ${String(error)}`)),
    };
  }

  private async showAbout(): Promise<void> {
    const detail = aboutDetail({
      app: app.getVersion(),
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      node: process.versions.node,
      v8: process.versions.v8,
      os: `${process.platform} ${process.getSystemVersion()} (${process.arch})`,
    });
    const options = {
      type: 'info' as const,
      title: 'About Sessionite',
      message: 'Sessionite',
      detail,
      buttons: ['OK'],
    };
    const window = this.window && !this.window.isDestroyed() ? this.window : undefined;
    await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  }

  /**
   * Quit: stop the emulator (every session container removed, bounded by QUIT_BOUND_MS), then let the
   * app exit. Returns true when the quit may proceed now.
   */
  beforeQuit(): boolean {
    if (this.phase === 'stopped') return true;
    if (this.phase === 'running') {
      this.phase = 'stopping';
      this.model = { ...this.model, lifecycle: 'stopping' };
      this.renderTray();
      void this.shutdown();
    }
    return false;
  }

  private async shutdown(): Promise<void> {
    this.log('quitting: stopping the emulator');
    await this.settings?.flush();
    if (this.host)
      await stopWithin(() => this.host?.emulator.stop() ?? Promise.resolve(), QUIT_BOUND_MS, this.log);
    this.phase = 'stopped';
    this.tray.destroy();
    app.quit();
  }

  get keepsRunningWithoutWindows(): boolean {
    return this.phase === 'running' && (this.settings?.get().closeToTray ?? true);
  }
}
