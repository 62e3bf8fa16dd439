import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';

export const POOLS_FILE = 'pools.json';

/**
 * One pool created at run time, as `<dataDir>/pools.json` keeps it: where it lives and its ARM
 * definition with every secret *value* removed (secrets are listed by name; the values are in the
 * secret store). The definition is re-validated when it is restored, so a file edited by hand cannot
 * smuggle in what the API would refuse.
 */
export const storedPoolSchema = z.object({
  name: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  location: z.string(),
  definition: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type StoredPool = z.output<typeof storedPoolSchema>;

const poolFileSchema = z.object({ version: z.literal(1), pools: z.array(z.unknown()) });

export interface LoadedPoolFile {
  pools: StoredPool[];
  /** Problems worth a warning line (a damaged file, entries that were skipped). */
  problems: string[];
}

export function poolFilePath(dataDir: string): string {
  return join(dataDir, POOLS_FILE);
}

/**
 * Reads the file. A file that is not JSON or has the wrong shape is moved aside (never deleted: it may
 * be the user's only copy of their pools) and the emulator starts without stored pools.
 */
export async function loadPoolFile(dataDir: string, now: Date): Promise<LoadedPoolFile> {
  const path = poolFilePath(dataDir);
  const text = await readTextIfExists(path);
  if (text === undefined) return { pools: [], problems: [] };
  const envelope = parseEnvelope(text);
  if (!envelope) {
    const aside = `${path}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, aside);
    return { pools: [], problems: [`${path} is damaged; moved it to ${aside} and started without stored pools`] };
  }
  const pools: StoredPool[] = [];
  const problems: string[] = [];
  envelope.forEach((entry, index) => {
    const parsed = storedPoolSchema.safeParse(entry);
    if (parsed.success) pools.push(parsed.data);
    else problems.push(`${path}: entry #${index + 1} is not a stored pool; skipped`);
  });
  return { pools, problems };
}

function parseEnvelope(text: string): unknown[] | undefined {
  try {
    const parsed = poolFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.pools : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the file atomically; no pools → no file. It holds no secret values, so 0644 is fine. */
export async function writePoolFile(dataDir: string, pools: readonly StoredPool[]): Promise<void> {
  const path = poolFilePath(dataDir);
  if (pools.length === 0) {
    await rm(path, { force: true });
    return;
  }
  const sorted = [...pools].sort((a, b) => a.name.localeCompare(b.name));
  await writeFileAtomic(path, JSON.stringify({ version: 1, pools: sorted }, null, 2) + '\n', 0o644);
}
