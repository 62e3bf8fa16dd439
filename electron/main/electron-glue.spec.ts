import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { guardWebContents, hardenSession } from './harden.js';
import { aboutDetail, appMenuTemplate } from './menu.js';
import { TrayController } from './tray.js';
import { initialTrayModel } from './tray-state.js';
import { createMainWindow } from './window.js';

/** Electron, reduced to what the glue modules call; each fake records what it was given. */
const fake = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; maximized: boolean }[],
  trays: [] as { images: string[]; tooltip: string; menu: unknown[] }[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class BrowserWindow extends Emitter {
    record: { options: Record<string, unknown>; maximized: boolean };
    constructor(options: Record<string, unknown>) {
      super();
      this.record = { options, maximized: false };
      fake.windows.push(this.record);
    }
    maximize(): void {
      this.record.maximized = true;
    }
  }
  class Tray extends Emitter {
    record = { images: [] as string[], tooltip: '', menu: [] as unknown[] };
    constructor(image: { path: string }) {
      super();
      this.record.images.push(image.path);
      fake.trays.push(this.record);
    }
    setImage(image: { path: string }): void {
      this.record.images.push(image.path);
    }
    setToolTip(text: string): void {
      this.record.tooltip = text;
    }
    setContextMenu(menu: unknown[]): void {
      this.record.menu = menu;
    }
    destroy(): void {}
  }
  const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  return {
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown[]) => template },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    screen: { getAllDisplays: () => [display], getPrimaryDisplay: () => display },
  };
});

describe('the window', () => {
  it('runs the page isolated, sandboxed and without Node, restored to its saved state', () => {
    createMainWindow({
      preload: '/app/out/preload/index.cjs',
      iconsDir: '/icons',
      saved: { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true },
      onStateChange: () => undefined,
      hideOnClose: () => true,
    });
    const { options, maximized } = fake.windows.at(-1) ?? { options: {}, maximized: false };
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
    });
    expect(options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700, show: false });
    expect(maximized).toBe(true);
  });
});

describe('navigation guard on web contents', () => {
  function contents(): WebContents & { openHandler?: (details: { url: string }) => { action: string } } {
    const emitter = new EventEmitter() as unknown as WebContents & {
      openHandler?: (details: { url: string }) => { action: string };
    };
    emitter.setWindowOpenHandler = ((handler: (details: { url: string }) => { action: string }) => {
      emitter.openHandler = handler;
    }) as WebContents['setWindowOpenHandler'];
    return emitter;
  }
  const trusted = { origin: 'http://127.0.0.1:8080', pathPrefix: '/_sessionite/' };

  function navigate(web: WebContents, event: string, url: string): boolean {
    let prevented = false;
    (web as unknown as EventEmitter).emit(event, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }

  it('blocks navigation and redirects away from the dashboard, and every <webview>', () => {
    const web = contents();
    const opened: string[] = [];
    guardWebContents(web, {
      trusted: () => trusted,
      openExternal: (url) => opened.push(url),
      log: () => undefined,
    });
    expect(navigate(web, 'will-navigate', 'http://127.0.0.1:8080/_sessionite/#pools')).toBe(false);
    expect(navigate(web, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(web, 'will-frame-navigate', 'https://evil.example/frame')).toBe(true);
    expect(navigate(web, 'will-redirect', 'http://127.0.0.1:8080/elsewhere')).toBe(true);
    expect(navigate(web, 'will-attach-webview', 'http://127.0.0.1:8080/_sessionite/')).toBe(true);
    expect(opened).toEqual([]);
  });

  it('blocks everything before the emulator listens', () => {
    const web = contents();
    guardWebContents(web, { trusted: () => undefined, openExternal: () => undefined, log: () => undefined });
    expect(navigate(web, 'will-navigate', 'http://127.0.0.1:8080/_sessionite/')).toBe(true);
  });

  it('sends window.open to the default browser and never opens a window', () => {
    const web = contents();
    const opened: string[] = [];
    guardWebContents(web, {
      trusted: () => trusted,
      openExternal: (url) => opened.push(url),
      log: () => undefined,
    });
    expect(web.openHandler?.({ url: 'https://learn.microsoft.com/' })).toEqual({ action: 'deny' });
    expect(web.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://learn.microsoft.com/']);
  });
});

describe('session hardening', () => {
  it('replaces any CSP header with ours and refuses every permission', () => {
    let onHeaders:
      | ((
          details: { responseHeaders?: Record<string, string[]> },
          callback: (response: unknown) => void,
        ) => void)
      | undefined;
    let onPermission:
      ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let onCheck: (() => boolean) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (listener: typeof onHeaders) => (onHeaders = listener) },
      setPermissionRequestHandler: (handler: typeof onPermission) => (onPermission = handler),
      setPermissionCheckHandler: (handler: typeof onCheck) => (onCheck = handler),
    } as unknown as Session;
    hardenSession(session, "default-src 'none'");
    let response: unknown;
    onHeaders?.(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (r) => (response = r),
    );
    expect(response).toEqual({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] },
    });
    let granted: boolean | undefined;
    onPermission?.({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(onCheck?.()).toBe(false);
  });
});

describe('tray', () => {
  it('draws the icon and tooltip of the current state', () => {
    const tray = new TrayController('/icons', () => undefined);
    const input = { pools: ['p'], closeToTray: true, notifications: false };
    tray.render({ ...input, model: initialTrayModel() });
    tray.render({
      ...input,
      model: initialTrayModel({ runtime: { available: true, problem: '' }, paused: false, failedPools: [] }),
    });
    tray.render({
      ...input,
      model: initialTrayModel({
        runtime: { available: false, problem: 'no socket' },
        paused: false,
        failedPools: [],
      }),
    });
    const record = fake.trays.at(-1);
    expect(record?.images).toEqual([
      '/icons/tray/idle.png',
      '/icons/tray/idle.png',
      '/icons/tray/running.png',
      '/icons/tray/docker-missing.png',
    ]);
    expect(record?.tooltip).toBe('Sessionite — Docker is not reachable; no socket');
    expect(record?.menu.length).toBeGreaterThan(5);
  });
});

describe('app menu', () => {
  const actions = {
    about: () => undefined,
    openDashboard: () => undefined,
    revealDataFolder: () => undefined,
  };
  const roles = (template: ReturnType<typeof appMenuTemplate>): unknown[] =>
    template.map((item) => item.role ?? item.label);

  it('has the usual roles, with About under Help on Windows and Linux and in the app menu on macOS', () => {
    expect(roles(appMenuTemplate('linux', actions))).toEqual([
      'File',
      'editMenu',
      'viewMenu',
      'windowMenu',
      'help',
    ]);
    expect(roles(appMenuTemplate('darwin', actions))).toEqual([
      'Sessionite',
      'File',
      'editMenu',
      'viewMenu',
      'windowMenu',
    ]);
  });

  it('shows every version in About', () => {
    const text = aboutDetail({
      app: '0.1.0',
      electron: '41.7.1',
      chrome: '146.0',
      node: '24.1.0',
      v8: '14.6',
      os: 'linux 6.1 (x64)',
    });
    expect(text).toContain('Version 0.1.0');
    expect(text).toContain('Electron 41.7.1');
    expect(text).toContain('Chromium 146.0');
    expect(text).toContain('Node.js 24.1.0');
    expect(text).toContain('V8 14.6');
  });
});
