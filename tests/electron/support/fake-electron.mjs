// A stand-in for the `electron` module, enough for the built main process to run its `--headless`
// mode under plain Node (the Electron binary cannot be downloaded on every machine). Only `app` does
// anything; the other exports exist because the bundle imports them by name.
import { tmpdir } from 'node:os';

const paths = new Map([['appData', process.env.FAKE_ELECTRON_APP_DATA ?? tmpdir()]]);
const unused = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('not available in the fake electron module');
    },
  },
);

export const app = {
  isPackaged: false,
  dock: undefined,
  setName() {},
  getVersion: () => '0.0.0-test',
  getPath: (name) => paths.get(name) ?? tmpdir(),
  setPath: (name, value) => void paths.set(name, value),
  requestSingleInstanceLock: () => true,
  on() {},
  whenReady: () => Promise.resolve(),
  exit: (code) => process.exit(code),
  quit: () => process.exit(0),
};
export const BrowserWindow = unused;
export const Menu = unused;
export const Notification = unused;
export const Tray = unused;
export const clipboard = unused;
export const dialog = unused;
export const ipcMain = unused;
export const nativeImage = unused;
export const screen = unused;
export const session = unused;
export const shell = unused;
export default { app };
