import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Files the identity module keeps in the data folder. Secrets (private keys, the host identity header)
 * are created with mode 0600 from the first byte: the file is written under a random temporary name
 * with that mode and then hard-linked into place, so no reader ever sees a half-written or
 * world-readable key, and two emulators starting at once on the same folder agree on one winner
 * (`link` fails with EEXIST for the loser, who then reads the winner's file).
 */
export const SECRET_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Atomically creates `path` with `content` unless it exists; returns the content that is in place. */
export async function createExclusive(path: string, content: string, mode: number): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode, flag: 'wx' });
  try {
    await link(tmp, path);
    return content;
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
    const existing = await readIfExists(path);
    if (existing === undefined) throw err;
    return existing;
  } finally {
    await unlink(tmp);
  }
}

/** Atomically replaces `path` (used when the server certificate is renewed). */
export async function replaceFile(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode, flag: 'wx' });
  await rename(tmp, path);
  // writeFile's mode is filtered by the umask; make the final mode explicit.
  await chmod(path, mode);
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
