/**
 * The one contract between the preload and the main process: every IPC channel, its arguments and its
 * result. The preload exposes one named function per channel (never `ipcRenderer` itself) and main
 * registers one validated handler per channel, so neither side can grow a channel the other lacks.
 *
 * Only OS features travel over IPC (HTTP Toolkit's split): everything about pools and sessions goes
 * through the emulator's admin HTTP API, whose endpoint and per-run token `adminEndpoint` hands out.
 */
export interface AdminEndpoint {
  /** The origin the admin API answers on (the window's own origin: same-origin requests only). */
  origin: string;
  /** The per-run admin token; the desktop app always requires it, even on loopback. */
  token?: string;
}

export interface OpenTextOptions {
  title?: string;
  /** File extensions offered by the dialog, without dots (`json`, `yaml`). */
  extensions?: string[];
}

export interface OpenedText {
  /** The file's name only: the renderer never learns where on disk it was. */
  fileName: string;
  content: string;
}

export interface IpcContract {
  adminEndpoint: { args: []; result: AdminEndpoint };
  copyText: { args: [text: string]; result: void };
  openExternal: { args: [url: string]; result: void };
  revealDataFolder: { args: []; result: void };
  saveText: { args: [fileName: string, content: string, mimeType: string]; result: void };
  openText: { args: [options: OpenTextOptions]; result: OpenedText | undefined };
  keychainGet: { args: [key: string]; result: string | undefined };
  /** `undefined` removes the entry. */
  keychainSet: { args: [key: string, value: string | undefined]; result: void };
}

export type ChannelName = keyof IpcContract;

export const CHANNELS: { readonly [K in ChannelName]: `sessionite:${string}` } = {
  adminEndpoint: 'sessionite:admin-endpoint',
  copyText: 'sessionite:copy-text',
  openExternal: 'sessionite:open-external',
  revealDataFolder: 'sessionite:reveal-data-folder',
  saveText: 'sessionite:save-text',
  openText: 'sessionite:open-text',
  keychainGet: 'sessionite:keychain-get',
  keychainSet: 'sessionite:keychain-set',
};

export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

/** Name of the object on `window`; the renderer selects its Electron platform when it exists. */
export const EXPOSED_NAME = 'sessionite';
