import type { ChannelName, IpcContract } from '../shared/ipc.js';
import type { DesktopPlatform } from './platform.js';

/** Sends one request to main; the preload binds it to `ipcRenderer.invoke`, tests to a fake. */
export type Invoke = <K extends ChannelName>(
  name: K,
  ...args: IpcContract[K]['args']
) => Promise<IpcContract[K]['result']>;

/**
 * The object exposed to the page. Each member is a named function with fixed arguments: the page can
 * neither choose a channel nor reach `ipcRenderer`, so a compromised page gets these eight operations
 * (each re-checked in main) and nothing else.
 */
export function createDesktopPlatform(invoke: Invoke): DesktopPlatform {
  return {
    kind: 'electron',
    adminEndpoint: () => invoke('adminEndpoint'),
    copyText: (text) => invoke('copyText', text),
    openExternal: (url) => invoke('openExternal', url),
    saveText: (fileName, content, mimeType) => invoke('saveText', fileName, content, mimeType),
    revealDataFolder: () => invoke('revealDataFolder'),
    openText: (options = {}) => invoke('openText', options),
    keychainGet: (key) => invoke('keychainGet', key),
    keychainSet: (key, value) => invoke('keychainSet', key, value),
  };
}
