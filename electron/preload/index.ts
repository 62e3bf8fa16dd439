import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, EXPOSED_NAME, type IpcContract } from '../shared/ipc.js';
import { createDesktopPlatform, type Invoke } from './api.js';

/**
 * Runs sandboxed (`sandbox: true`), so it may require nothing but `electron`; it is bundled to one
 * CommonJS file. `contextBridge` copies the object into the page's world: the page sees plain
 * functions, never `ipcRenderer`, the channel names or this script's scope.
 */
const invoke: Invoke = (name, ...args) =>
  ipcRenderer.invoke(CHANNELS[name], ...args) as Promise<IpcContract[typeof name]['result']>;

contextBridge.exposeInMainWorld(EXPOSED_NAME, createDesktopPlatform(invoke));
