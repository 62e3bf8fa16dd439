import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SECRETS_FILE } from '../secrets/file-store.js';
import { openSecretStore, type OpenSecretStoreOptions } from '../secrets/secret-store.js';
import { loadPoolFile, writePoolFile } from './pool-file.js';

export interface ResetResult {
  /** Names of the pools that were stored. */
  pools: string[];
}

/**
 * `sessionite reset`: forgets every pool created at run time and every stored secret of this data
 * folder, in both backends (the backend in use may have changed since the secrets were written).
 * Pools of the `--config` file are not affected: they were never stored. The caller makes sure no
 * emulator is running on the folder.
 */
export async function resetStoredPools(
  dataDir: string,
  options: Pick<OpenSecretStoreOptions, 'loadKeytar' | 'probeTimeoutMs'> = {},
): Promise<ResetResult> {
  const loaded = await loadPoolFile(dataDir, new Date());
  await writePoolFile(dataDir, []);
  // Removed without being read: a damaged file must not stop a reset.
  await rm(join(dataDir, SECRETS_FILE), { force: true });
  try {
    const { store } = await openSecretStore({ ...options, dataDir, prefer: 'keychain' });
    await store.clear();
  } catch {
    // No usable keychain: nothing can be stored there.
  }
  return { pools: loaded.pools.map((pool) => pool.name) };
}
