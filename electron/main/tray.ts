import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { join } from 'node:path';
import { trayMenu, type TrayAction, type TrayMenuInput, type TrayMenuItem } from './tray-menu.js';
import { trayDescription, trayStatus, type TrayStatus } from './tray-state.js';

/** Draws the tray from the pure model (`tray-state.ts`, `tray-menu.ts`); holds no state of its own. */
const ICON_FOR: Record<TrayStatus, string> = {
  starting: 'idle',
  running: 'running',
  degraded: 'degraded',
  'docker-missing': 'docker-missing',
  paused: 'idle',
  stopping: 'idle',
};

export function trayIconName(status: TrayStatus): string {
  return ICON_FOR[status];
}

function toElectron(item: TrayMenuItem, dispatch: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'info':
      return { label: item.label, enabled: false };
    case 'separator':
      return { type: 'separator' };
    case 'action':
      return { label: item.label, enabled: item.enabled, click: () => dispatch(item.action) };
    case 'checkbox':
      return {
        label: item.label,
        type: 'checkbox',
        checked: item.checked,
        click: () => dispatch(item.action),
      };
    case 'submenu':
      return {
        label: item.label,
        enabled: item.enabled,
        submenu: item.items.map((child) => toElectron(child, dispatch)),
      };
  }
}

export class TrayController {
  private tray?: Tray;
  private readonly icons = new Map<string, NativeImage>();

  constructor(
    private readonly iconsDir: string,
    private readonly dispatch: (action: TrayAction) => void,
  ) {}

  private icon(name: string): NativeImage {
    let image = this.icons.get(name);
    if (!image) {
      // `name@2x.png` beside it is picked up for high-density displays.
      image = nativeImage.createFromPath(join(this.iconsDir, 'tray', `${name}.png`));
      this.icons.set(name, image);
    }
    return image;
  }

  render(input: TrayMenuInput): void {
    const status = trayStatus(input.model);
    if (!this.tray) {
      this.tray = new Tray(this.icon(trayIconName(status)));
      // Windows and most Linux trays: a click opens the window; the menu is on right click.
      this.tray.on('click', () => this.dispatch({ type: 'showWindow' }));
    }
    this.tray.setImage(this.icon(trayIconName(status)));
    this.tray.setToolTip(trayDescription(input.model).tooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate(trayMenu(input).map((item) => toElectron(item, this.dispatch))),
    );
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }
}
