import {
  openSecretStore,
  type OpenSecretStoreOptions,
  type SecretStore,
} from '../../emulator/secrets/secret-store.js';
import { SerialQueue } from '../../emulator/store/atomic-file.js';

/**
 * The renderer's keychain (`keychainGet`/`keychainSet` through the preload), built on the emulator's
 * secret store — keytar when the OS keychain works, else a 0600 file — not a second keychain layer.
 *
 * Security decisions:
 *  - Its own folder (`<userData>/keychain`), hence its own keychain service name and its own fallback
 *    file: the page can never read pool secrets, and the emulator's pool persistence, which deletes
 *    entries without a stored pool, never sees (or deletes) these.
 *  - One entry holds all values; keys are short names from a fixed alphabet, values are bounded.
 */
export const KEYCHAIN_ENTRY = 'desktop';
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const MAX_VALUE_LENGTH = 64 * 1024;

export function validKeychainKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

export class DesktopKeychain {
  private opened?: Promise<SecretStore>;
  private readonly queue = new SerialQueue();

  constructor(private readonly options: OpenSecretStoreOptions & { log?: (line: string) => void }) {}

  /** Opened on first use: probing the keychain can take seconds on Linux without a Secret Service. */
  private store(): Promise<SecretStore> {
    this.opened ??= openSecretStore(this.options).then(({ store, message }) => {
      this.options.log?.(`desktop keychain: ${message.replace(/^secrets: /, '')}`);
      return store;
    });
    return this.opened;
  }

  /** Where values go (`keychain` or `file`), for diagnostics. */
  async kind(): Promise<SecretStore['kind']> {
    return (await this.store()).kind;
  }

  async get(key: string): Promise<string | undefined> {
    if (!validKeychainKey(key)) throw new Error('invalid keychain key');
    const entry = await (await this.store()).get(KEYCHAIN_ENTRY);
    return entry?.[key];
  }

  /** Read-modify-write of the one entry, serialised so concurrent sets never lose each other. */
  set(key: string, value: string | undefined): Promise<void> {
    if (!validKeychainKey(key)) return Promise.reject(new Error('invalid keychain key'));
    if (value !== undefined && (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH)) {
      return Promise.reject(new Error('invalid keychain value'));
    }
    return this.queue.run(async () => {
      const store = await this.store();
      const entry = { ...(await store.get(KEYCHAIN_ENTRY)) };
      if (value === undefined) delete entry[key];
      else entry[key] = value;
      await store.set(KEYCHAIN_ENTRY, entry);
    });
  }
}
