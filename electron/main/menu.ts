import type { MenuItemConstructorOptions } from 'electron';

/** The application menu: the usual roles, plus the app's own items and an About that shows versions. */
export interface Versions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
  v8: string;
  os: string;
}

export function aboutDetail(versions: Versions): string {
  return [
    `Version ${versions.app}`,
    '',
    `Electron ${versions.electron}`,
    `Chromium ${versions.chrome}`,
    `Node.js ${versions.node}`,
    `V8 ${versions.v8}`,
    `OS ${versions.os}`,
    '',
    'A local emulator of Azure Container Apps dynamic sessions.',
  ].join('\n');
}

export interface MenuActions {
  about: () => void;
  openDashboard: () => void;
  revealDataFolder: () => void;
}

export function appMenuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About Sessionite', click: actions.about };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Dashboard in Browser', click: actions.openDashboard },
      { label: 'Reveal Data Folder', click: actions.revealDataFolder },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    file,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  if (!isMac) template.push({ role: 'help', submenu: [about] });
  if (isMac) {
    template.unshift({
      label: 'Sessionite',
      submenu: [
        about,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  return template;
}
