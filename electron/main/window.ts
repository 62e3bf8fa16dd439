import { BrowserWindow, nativeImage, screen } from 'electron';
import { join } from 'node:path';
import { captureWindow, MIN_SIZE, restoreWindow, type SavedWindowState } from './window-state.js';

/**
 * The dashboard window. Security settings (each one is the Electron default today, set explicitly so a
 * future default change or a copy-paste cannot weaken them):
 *  - `contextIsolation`: the preload's scope and Electron's APIs live in another JavaScript world than
 *    the page, which only sees the functions `contextBridge` copied;
 *  - `sandbox`: the renderer process is OS-sandboxed, and the preload itself has no Node;
 *  - `nodeIntegration: false`, `webviewTag: false`: the page can never reach Node or embed a browser.
 */
export interface MainWindowOptions {
  preload: string;
  iconsDir: string;
  saved: SavedWindowState | undefined;
  onStateChange: (state: SavedWindowState) => void;
  /** Called on close; return true to hide the window instead (keep running in the tray). */
  hideOnClose: () => boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const displays = screen.getAllDisplays().map((display) => display.workArea);
  const restored = restoreWindow(options.saved, displays, screen.getPrimaryDisplay().workArea);
  const window = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Sessionite',
    icon: nativeImage.createFromPath(join(options.iconsDir, 'icon.png')),
    backgroundColor: '#1e1e24',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  if (restored.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  trackState(window, options.onStateChange);
  window.on('close', (event) => {
    if (!options.hideOnClose()) return;
    event.preventDefault();
    window.hide();
  });
  return window;
}

function trackState(window: BrowserWindow, onChange: (state: SavedWindowState) => void): void {
  const save = (): void => {
    if (window.isDestroyed() || window.isMinimized()) return;
    onChange(
      captureWindow({
        normalBounds: window.getNormalBounds(),
        maximized: window.isMaximized(),
        fullScreen: window.isFullScreen(),
      }),
    );
  };
  window.on('resize', save);
  window.on('move', save);
  window.on('maximize', save);
  window.on('unmaximize', save);
  window.on('enter-full-screen', save);
  window.on('leave-full-screen', save);
  window.on('close', save);
}

/** Brings the window to the front (second launch, tray click, notification click). */
export function focusWindow(window: BrowserWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
