import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * `<dataDir>/emulator.json` says which emulator owns a data folder and where it listens. CLI
 * commands find the running emulator through it; a new run uses it to refuse a folder that a live
 * emulator holds and to reap what a dead predecessor (kill -9) left behind.
 */
export interface InstanceRecord {
  instanceId: string;
  pid: number;
  host: string;
  startedAt: string;
  http?: string;
  https?: string;
  /** The CA that signed the HTTPS certificate (absent with a user-supplied certificate). */
  ca?: string;
  tenantId?: string;
}

export function instanceFilePath(dataDir: string): string {
  return join(dataDir, 'emulator.json');
}

export async function readInstanceFile(dataDir: string): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(await readFile(instanceFilePath(dataDir), 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}

export async function writeInstanceFile(dataDir: string, record: InstanceRecord): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(instanceFilePath(dataDir), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
}

export async function removeInstanceFile(dataDir: string, instanceId: string): Promise<void> {
  const current = await readInstanceFile(dataDir);
  if (current?.instanceId === instanceId) await rm(instanceFilePath(dataDir), { force: true });
}

/** True when `pid` on this host is a live process (EPERM still means it exists). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isLiveElsewhere(record: InstanceRecord): boolean {
  return record.host === hostname() && record.pid !== process.pid && processAlive(record.pid);
}
