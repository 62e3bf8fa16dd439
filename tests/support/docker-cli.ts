import { execFileSync } from 'node:child_process';

/** Runs the `docker` CLI (the tests' independent view of the engine) and returns its output lines. */
export function dockerLines(...args: string[]): string[] {
  const out = execFileSync('docker', args, { encoding: 'utf8' }).trim();
  return out ? out.split('\n') : [];
}
