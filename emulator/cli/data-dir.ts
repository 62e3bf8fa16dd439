import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$SESSIONITE_DATA_DIR`, else `~/.sessionite`. */
export function defaultDataDir(): string {
  return process.env.SESSIONITE_DATA_DIR ?? join(homedir(), '.sessionite');
}
