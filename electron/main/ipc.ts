import type { IpcMainInvokeEvent } from 'electron';
import {
  CHANNELS,
  CHANNEL_NAMES,
  type ChannelName,
  type IpcContract,
  type OpenTextOptions,
} from '../shared/ipc.js';

/**
 * Main's side of the preload contract: one handler per channel, each behind the sender check and an
 * argument check. The page is treated as untrusted input: a compromised dashboard can call these eight
 * functions, so none of them takes a path, a command or a channel name from it.
 */
export type IpcHandlers = {
  [K in ChannelName]: (...args: IpcContract[K]['args']) => Promise<IpcContract[K]['result']>;
};

/** The part of `ipcMain` used here (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export class IpcArgumentError extends Error {
  constructor(channel: ChannelName, what: string) {
    super(`sessionite:${channel}: ${what}`);
    this.name = 'IpcArgumentError';
  }
}

const MAX_TEXT = 64 * 1024 * 1024;

function text(channel: ChannelName, value: unknown, what: string, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.length > max)
    throw new IpcArgumentError(channel, `${what} must be a string of at most ${max} characters`);
  return value;
}

function openOptions(value: unknown): OpenTextOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null)
    throw new IpcArgumentError('openText', 'options must be an object');
  const { title, extensions } = value as { title?: unknown; extensions?: unknown };
  const options: OpenTextOptions = {};
  if (title !== undefined) options.title = text('openText', title, 'title', 200);
  if (extensions !== undefined) {
    if (!Array.isArray(extensions) || extensions.length > 20)
      throw new IpcArgumentError('openText', 'extensions must be a short list');
    options.extensions = extensions.map((ext) => {
      if (typeof ext !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(ext))
        throw new IpcArgumentError('openText', 'bad extension');
      return ext;
    });
  }
  return options;
}

/** Turns what arrived over IPC into the contract's argument tuple, or throws. */
export const validators: { [K in ChannelName]: (args: readonly unknown[]) => IpcContract[K]['args'] } = {
  adminEndpoint: () => [],
  copyText: (args) => [text('copyText', args[0], 'text', 1024 * 1024)],
  openExternal: (args) => [text('openExternal', args[0], 'url', 8192)],
  revealDataFolder: () => [],
  saveText: (args) => [
    text('saveText', args[0], 'fileName', 255),
    text('saveText', args[1], 'content'),
    text('saveText', args[2], 'mimeType', 255),
  ],
  openText: (args) => [openOptions(args[0])],
  keychainGet: (args) => [text('keychainGet', args[0], 'key', 128)],
  keychainSet: (args) => [
    text('keychainSet', args[0], 'key', 128),
    args[1] === undefined || args[1] === null ? undefined : text('keychainSet', args[1], 'value', 64 * 1024),
  ],
};

function bind<K extends ChannelName>(
  ipc: IpcMainLike,
  name: K,
  handler: IpcHandlers[K],
  trusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipc.handle(CHANNELS[name], (event, ...raw) => {
    // Refused before the arguments are even looked at; the message names no detail of the check.
    if (!trusted(event)) throw new Error(`${CHANNELS[name]}: refused (not the Sessionite window)`);
    const args = validators[name](raw);
    return handler(...args);
  });
}

/** Registers every channel; returns the function that removes them again. */
export function registerIpcHandlers(
  ipc: IpcMainLike,
  handlers: IpcHandlers,
  trusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const name of CHANNEL_NAMES) bind(ipc, name, handlers[name], trusted);
  return () => {
    for (const name of CHANNEL_NAMES) ipc.removeHandler(CHANNELS[name]);
  };
}
