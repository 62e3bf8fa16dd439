import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '../../emulator/store/atomic-file.js';

/**
 * The desktop app's own preferences, in `<userData>/desktop-settings.json`: remembered ports, window
 * state and the two tray toggles. Not the emulator's state (that lives in its data folder). A file
 * that does not parse is ignored field by field: a bad window rectangle must not forget the ports.
 */
const port = z.number().int().min(0).max(65535);
const rect = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
});

const fields = {
  ports: z.object({ http: port, https: port }),
  window: z.object({ bounds: rect, maximized: z.boolean() }),
  closeToTray: z.boolean(),
  notifications: z.boolean(),
};

export interface DesktopSettings {
  ports?: { http: number; https: number };
  window?: { bounds: { x: number; y: number; width: number; height: number }; maximized: boolean };
  /** Closing the window keeps the emulator running in the tray. Default on. */
  closeToTray: boolean;
  /** Native notifications when a pool fails. Default off. */
  notifications: boolean;
}

export const DEFAULT_SETTINGS: DesktopSettings = { closeToTray: true, notifications: false };
export const SETTINGS_FILE = 'desktop-settings.json';

export function parseSettings(text: string | undefined): DesktopSettings {
  let raw: unknown;
  try {
    raw = text === undefined ? {} : JSON.parse(text);
  } catch {
    raw = {};
  }
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const settings: DesktopSettings = { ...DEFAULT_SETTINGS };
  const ports = fields.ports.safeParse(source.ports);
  if (ports.success) settings.ports = ports.data;
  const window = fields.window.safeParse(source.window);
  if (window.success) settings.window = window.data;
  const closeToTray = fields.closeToTray.safeParse(source.closeToTray);
  if (closeToTray.success) settings.closeToTray = closeToTray.data;
  const notifications = fields.notifications.safeParse(source.notifications);
  if (notifications.success) settings.notifications = notifications.data;
  return settings;
}

/** Loads once, keeps the current settings in memory, and writes changes atomically (debounced). */
export class SettingsStore {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private current: DesktopSettings,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async open(userDataDir: string, onError: (error: unknown) => void): Promise<SettingsStore> {
    const path = join(userDataDir, SETTINGS_FILE);
    return new SettingsStore(path, parseSettings(await readTextIfExists(path)), onError);
  }

  get(): DesktopSettings {
    return this.current;
  }

  /** Applies a change now and writes it shortly (window moves come in bursts). */
  update(patch: Partial<DesktopSettings>, delayMs = 400): void {
    this.current = { ...this.current, ...patch };
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  /** Writes pending changes; resolves when they are on disk. Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = JSON.stringify({ version: 1, ...this.current }, null, 2) + '\n';
    this.writing = this.writing.then(() => writeFileAtomic(this.path, text, 0o600)).catch(this.onError);
    return this.writing;
  }
}
