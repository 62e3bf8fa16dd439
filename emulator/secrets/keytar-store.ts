import type { SecretStore } from './secret-store.js';

/** The part of keytar's API the store uses. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

/**
 * keytar is an optional dependency with a native build that fails on machines without build tools or
 * libsecret, so it is loaded lazily. The specifier is a variable so TypeScript does not require the
 * package (or its types) to be installed.
 */
export async function loadKeytar(): Promise<KeytarModule> {
  const specifier = 'keytar';
  const loaded = (await import(specifier)) as Partial<KeytarModule> & { default?: Partial<KeytarModule> };
  const candidate = loaded.default ?? loaded;
  if (typeof candidate.getPassword !== 'function' || typeof candidate.findCredentials !== 'function') {
    throw new Error('keytar loaded without its API');
  }
  return candidate as KeytarModule;
}

/** One keychain entry per pool: account = pool name, password = JSON `{secretName: value}`. */
export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain';

  constructor(
    private readonly keytar: KeytarModule,
    private readonly service: string,
  ) {}

  get description(): string {
    return `the OS keychain (service '${this.service}')`;
  }

  async get(pool: string): Promise<Record<string, string> | undefined> {
    const text = await this.keytar.getPassword(this.service, pool);
    return text == null ? undefined : parseSecrets(text);
  }

  async set(pool: string, secrets: Record<string, string>): Promise<void> {
    if (Object.keys(secrets).length === 0) {
      await this.delete(pool);
      return;
    }
    await this.keytar.setPassword(this.service, pool, JSON.stringify(secrets));
  }

  async delete(pool: string): Promise<void> {
    await this.keytar.deletePassword(this.service, pool);
  }

  async pools(): Promise<string[]> {
    return (await this.keytar.findCredentials(this.service)).map((entry) => entry.account);
  }

  async clear(): Promise<void> {
    for (const pool of await this.pools()) await this.delete(pool);
  }
}

/** Entries written by someone else are ignored rather than trusted: only string values are kept. */
export function parseSecrets(text: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') secrets[name] = value;
  return secrets;
}
