import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { FileSecretStore } from './file-store.js';
import { KeytarSecretStore, loadKeytar, type KeytarModule } from './keytar-store.js';

/**
 * Where secret values of stored pools live: `properties.secrets[].value`, which also carries registry
 * passwords (`registryCredentials.passwordSecretRef` names one of them). The plain pool file
 * (`pools.json`) only ever holds secret *names*.
 *
 * Two backends: the OS keychain through the optional `keytar` package (macOS Keychain, Windows
 * Credential Manager, libsecret on Linux), or a file only the user can read (0600) in the data folder.
 * Values are grouped per pool: one keychain entry or one file key holds `{secretName: value}`.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  /** Where the values are, for the one log line at start. Never contains a value. */
  readonly description: string;
  get(pool: string): Promise<Record<string, string> | undefined>;
  /** Replaces the pool's secrets; an empty map removes the entry. */
  set(pool: string, secrets: Record<string, string>): Promise<void>;
  delete(pool: string): Promise<void>;
  /** Pools that have an entry. */
  pools(): Promise<string[]>;
  /** Removes every entry of this data folder. */
  clear(): Promise<void>;
}

export type SecretStorePreference = 'auto' | 'keychain' | 'file';

export interface OpenSecretStoreOptions {
  dataDir: string;
  /** Default: `$SESSIONITE_SECRET_STORE`, else `auto` (keychain when usable, else the file). */
  prefer?: SecretStorePreference;
  /** For tests: how keytar is loaded (default: `import('keytar')`). */
  loadKeytar?: () => Promise<KeytarModule>;
  /** How long the keychain may take to answer the probe (a locked or absent D-Bus can hang). */
  probeTimeoutMs?: number;
}

export interface OpenedSecretStore {
  store: SecretStore;
  /** One line saying where secrets go and why; never contains a value. */
  message: string;
}

/**
 * Picks the backend. `auto` probes the keychain with a harmless read and falls back to the file when
 * keytar is missing (it is an optional dependency with a native build) or the OS has no usable
 * keychain (e.g. Linux without a Secret Service). An explicit `keychain` that does not work is an
 * error rather than a silent downgrade.
 */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<OpenedSecretStore> {
  const prefer = options.prefer ?? preferenceFromEnv();
  const fileStore = (): Promise<SecretStore> => FileSecretStore.open(options.dataDir);
  if (prefer === 'file') {
    const store = await fileStore();
    return { store, message: `secrets: kept in ${store.description} (as configured)` };
  }
  const keychain = await tryKeychain(options);
  if ('store' in keychain) return { store: keychain.store, message: `secrets: kept in ${keychain.store.description}` };
  if (prefer === 'keychain') throw new Error(`the OS keychain was requested for secrets but is not usable: ${keychain.reason}`);
  const store = await fileStore();
  return { store, message: `secrets: kept in ${store.description} (OS keychain not usable: ${keychain.reason})` };
}

function preferenceFromEnv(): SecretStorePreference {
  const value = process.env.SESSIONITE_SECRET_STORE?.trim().toLowerCase();
  if (value === 'file' || value === 'keychain' || value === 'auto') return value;
  return 'auto';
}

async function tryKeychain(options: OpenSecretStoreOptions): Promise<{ store: SecretStore } | { reason: string }> {
  let keytar: KeytarModule;
  try {
    keytar = await (options.loadKeytar ?? loadKeytar)();
  } catch (error) {
    const missing = (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';
    return { reason: missing ? 'the optional keytar package is not installed' : `keytar did not load (${firstLine(error)})` };
  }
  const store = new KeytarSecretStore(keytar, keychainService(options.dataDir));
  try {
    await withTimeout(store.pools(), options.probeTimeoutMs ?? 3000);
    return { store };
  } catch (error) {
    return { reason: firstLine(error) };
  }
}

/**
 * Keychain entries are per user, not per folder: the service name carries a hash of the data folder so
 * two emulators with different folders never see each other's secrets.
 */
export function keychainService(dataDir: string): string {
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return `sessionite/${hash}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the keychain did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
