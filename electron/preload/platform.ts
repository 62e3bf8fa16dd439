import type { Platform } from '../../renderer/src/platform/platform.js';
import type { OpenTextOptions, OpenedText } from '../shared/ipc.js';

/**
 * What the preload exposes as `window.sessionite`: exactly the renderer's `Platform` (type-checked
 * against it, so `renderer/src/main.ts` uses it as is) plus the desktop-only features the Platform
 * interface does not name yet. The import is type-only: no renderer code is bundled here.
 */
export interface DesktopPlatform extends Platform {
  readonly kind: 'electron';
  revealDataFolder(): Promise<void>;
  openText(options?: OpenTextOptions): Promise<OpenedText | undefined>;
  keychainGet(key: string): Promise<string | undefined>;
  keychainSet(key: string, value: string | undefined): Promise<void>;
}
