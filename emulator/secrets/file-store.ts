import { chmod, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialQueue, readTextIfExists, writeFileAtomic } from '../store/atomic-file.js';
import { parseSecrets } from './keytar-store.js';
import type { SecretStore } from './secret-store.js';

export const SECRETS_FILE = 'secrets.json';
const SECRET_MODE = 0o600;

interface SecretsFile {
  version: 1;
  pools: Record<string, Record<string, string>>;
}

/**
 * `<dataDir>/secrets.json`, mode 0600, replaced atomically on every change. It is the fallback when no
 * keychain is usable: as safe as the user's home folder (the same protection `~/.azure` and
 * `~/.docker/config.json` rely on). The whole map is kept in memory; writes are serialised.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file';
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly path: string,
    private data: SecretsFile,
  ) {}

  static async open(dataDir: string): Promise<FileSecretStore> {
    const path = join(dataDir, SECRETS_FILE);
    const text = await readTextIfExists(path);
    if (text !== undefined) await tightenMode(path);
    return new FileSecretStore(path, parseFile(text));
  }

  get description(): string {
    return `${this.path} (readable only by you)`;
  }

  async get(pool: string): Promise<Record<string, string> | undefined> {
    const secrets = this.data.pools[pool];
    return secrets && { ...secrets };
  }

  set(pool: string, secrets: Record<string, string>): Promise<void> {
    return this.queue.run(async () => {
      const pools = { ...this.data.pools };
      if (Object.keys(secrets).length === 0) delete pools[pool];
      else pools[pool] = { ...secrets };
      await this.write({ version: 1, pools });
    });
  }

  delete(pool: string): Promise<void> {
    return this.set(pool, {});
  }

  async pools(): Promise<string[]> {
    return Object.keys(this.data.pools);
  }

  clear(): Promise<void> {
    return this.queue.run(async () => {
      await rm(this.path, { force: true });
      this.data = { version: 1, pools: {} };
    });
  }

  /** The in-memory copy changes only after the file did, so memory never claims what disk lacks. */
  private async write(next: SecretsFile): Promise<void> {
    if (Object.keys(next.pools).length === 0) await rm(this.path, { force: true });
    else await writeFileAtomic(this.path, JSON.stringify(next, null, 2) + '\n', SECRET_MODE);
    this.data = next;
  }
}

function parseFile(text: string | undefined): SecretsFile {
  const empty: SecretsFile = { version: 1, pools: {} };
  if (text === undefined) return empty;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never echo the parser's message: it quotes the file's content, i.e. secret values.
    throw new Error('the secrets file is not valid JSON; fix or delete it (sessionite reset removes it)');
  }
  const pools = (parsed as { pools?: unknown } | null)?.pools;
  if (typeof pools !== 'object' || pools === null) return empty;
  for (const [pool, secrets] of Object.entries(pools)) {
    const valid = parseSecrets(JSON.stringify(secrets));
    if (valid) empty.pools[pool] = valid;
  }
  return empty;
}

/** A secrets file that became readable by others (copied, restored from a backup) is made private again. */
async function tightenMode(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) await chmod(path, SECRET_MODE);
}
