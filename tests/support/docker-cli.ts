import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LABELS } from '../../emulator/pool/context.js';
import type { CliProcess } from './cli-process.js';

/** Runs the `docker` CLI (the tests' independent view of the engine) and returns its output lines. */
export function dockerLines(...args: string[]): string[] {
  const out = execFileSync('docker', args, { encoding: 'utf8' }).trim();
  return out ? out.split('\n') : [];
}

/**
 * Resolves once no container and no network carries `label`, waiting on the engine's destroy events
 * (replayed from just before the first look, so none is missed); rejects after `deadlineMs` or when
 * `signal` aborts.
 */
export async function labelGone(label: string, deadlineMs: number, signal?: AbortSignal): Promise<void> {
  const since = new Date(Date.now() - 1000).toISOString();
  const remaining = (): number =>
    dockerLines('ps', '-aq', '--filter', `label=${label}`).length + dockerLines('network', 'ls', '-q', '--filter', `label=${label}`).length;
  const events = spawn('docker', ['events', '--since', since, '--format', '{{.Type}} {{.Action}}', '--filter', 'event=destroy'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    if (remaining() === 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${remaining()} container(s)/network(s) labelled ${label} still exist after ${deadlineMs} ms`)), deadlineMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('no longer waited for'));
      });
      createInterface({ input: events.stdout }).on('line', () => {
        if (remaining() > 0) return;
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    events.kill();
  }
}

/**
 * Waits until the killed run `instance` has been reaped: the restarted CLI reports it, or its
 * containers and networks are gone. Every emulator reaps dead runs when it starts, so one started by
 * another test file at the same time may get there first and leave the restart nothing to remove.
 */
export async function reapedAfterRestart(restarted: CliProcess, instance: string, deadlineMs = 60_000): Promise<void> {
  const stopWatching = new AbortController();
  await Promise.any([
    restarted.stderrLine(/removed \d+ container\(s\) and \d+ network\(s\)/, deadlineMs),
    labelGone(`${LABELS.instance}=${instance}`, deadlineMs, stopWatching.signal),
  ]).finally(() => stopWatching.abort());
}
