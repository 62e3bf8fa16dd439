import { trayDescription, trayStatus, type TrayModel } from './tray-state.js';

/** What a tray menu item does; `tray.ts` dispatches these to the desktop host. */
export type TrayAction =
  | { type: 'showWindow' }
  | { type: 'openDashboard' }
  | { type: 'copyEndpoint'; pool: string }
  | { type: 'copyToken' }
  | { type: 'setPaused'; paused: boolean }
  | { type: 'setCloseToTray'; value: boolean }
  | { type: 'setNotifications'; value: boolean }
  | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'info'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { kind: 'submenu'; label: string; enabled: boolean; items: TrayMenuItem[] };

export interface TrayMenuInput {
  model: TrayModel;
  pools: readonly string[];
  closeToTray: boolean;
  notifications: boolean;
}

/** The tray menu as data: state lines first, then the quick actions, the two preferences and Quit. */
export function trayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const { model } = input;
  const running = model.lifecycle === 'running';
  const items: TrayMenuItem[] = trayDescription(model).lines.map((label) => ({ kind: 'info', label }));
  items.push(
    { kind: 'separator' },
    { kind: 'action', label: 'Open Sessionite', action: { type: 'showWindow' }, enabled: true },
    {
      kind: 'action',
      label: 'Open Dashboard in Browser',
      action: { type: 'openDashboard' },
      enabled: running,
    },
    {
      kind: 'submenu',
      label: 'Copy Pool Endpoint',
      enabled: running && input.pools.length > 0,
      items: input.pools.map((pool) => ({
        kind: 'action',
        label: pool,
        action: { type: 'copyEndpoint', pool },
        enabled: true,
      })),
    },
    { kind: 'action', label: 'Copy a Fresh Token', action: { type: 'copyToken' }, enabled: running },
    {
      kind: 'action',
      label: model.paused ? 'Resume All Pools' : 'Pause All Pools',
      action: { type: 'setPaused', paused: !model.paused },
      enabled: running,
    },
    { kind: 'separator' },
    {
      kind: 'checkbox',
      label: 'Keep Running When the Window Closes',
      checked: input.closeToTray,
      action: { type: 'setCloseToTray', value: !input.closeToTray },
    },
    {
      kind: 'checkbox',
      label: 'Notify When a Pool Fails',
      checked: input.notifications,
      action: { type: 'setNotifications', value: !input.notifications },
    },
    { kind: 'separator' },
    {
      kind: 'action',
      label: 'Quit Sessionite',
      action: { type: 'quit' },
      enabled: trayStatus(model) !== 'stopping',
    },
  );
  return items;
}
