import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';

/**
 * A stand-in for the parts of `electron` the desktop host uses, for `vi.mock('electron', …)` in specs
 * that run the host without the Electron binary. Everything the host does to Electron is recorded in
 * `fake`; nothing is drawn or shown.
 */
type IpcListener = (event: unknown, ...args: unknown[]) => unknown;

export interface MenuItem {
  label?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItem[];
}

export const fake = {
  userData: tmpdir(),
  windows: [] as FakeWindow[],
  trays: [] as FakeTray[],
  ipc: new Map<string, IpcListener>(),
  app: new EventEmitter(),
  quitCalls: 0,
  clipboard: '',
  opened: [] as string[],
  reset(userData: string): void {
    this.userData = userData;
    this.windows.length = 0;
    this.trays.length = 0;
    this.ipc.clear();
    this.app.removeAllListeners();
    this.quitCalls = 0;
    this.clipboard = '';
    this.opened.length = 0;
  },
};

let nextWebContentsId = 1;

export class FakeWindow extends EventEmitter {
  readonly webContents = { id: nextWebContentsId++ };
  url?: string;
  visible = false;
  destroyed = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    fake.windows.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.url = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return false;
  }
  isFullScreen(): boolean {
    return false;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 0, y: 0, width: 1200, height: 800 };
  }
  restore(): void {}
  maximize(): void {}
  focus(): void {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
}

export class FakeTray extends EventEmitter {
  images: string[] = [];
  tooltip = '';
  menu: MenuItem[] = [];

  constructor(image: { path: string }) {
    super();
    this.images.push(image.path);
    fake.trays.push(this);
  }
  setImage(image: { path: string }): void {
    this.images.push(image.path);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: MenuItem[]): void {
    this.menu = menu;
  }
  destroy(): void {}
}

const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };

export const fakeElectron = {
  app: {
    isPackaged: false,
    getPath: () => fake.userData,
    getVersion: () => '0.0.0-test',
    on: (event: string, listener: (...args: unknown[]) => void) => fake.app.on(event, listener),
    quit: () => void fake.quitCalls++,
  },
  BrowserWindow: FakeWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: MenuItem[]) => template, setApplicationMenu: () => undefined },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  screen: { getAllDisplays: () => [display], getPrimaryDisplay: () => display },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: () => undefined },
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
    },
  },
  ipcMain: {
    handle: (channel: string, listener: IpcListener) => void fake.ipc.set(channel, listener),
    removeHandler: (channel: string) => void fake.ipc.delete(channel),
  },
  clipboard: { writeText: (text: string) => void (fake.clipboard = text) },
  shell: {
    openExternal: async (url: string) => void fake.opened.push(url),
    openPath: async () => '',
  },
  dialog: {},
  Notification: { isSupported: () => false },
};
