import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/sessionite.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  stderr: string[];
  /**
   * Resolves with the first stderr line matching `pattern`; rejects, quoting what was printed, when
   * the process exits first or `deadlineMs` passes (so a missing line names itself, not a test timeout).
   */
  stderrLine(pattern: RegExp, deadlineMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Spawns `sessionite <args>` and collects its output line by line. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr,
    exited,
    stderrLine(pattern, deadlineMs) {
      const seen = stderr.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const fail = (why: string): void => reject(new Error(`no stderr line matched ${pattern} (${why}); stderr:\n${stderr.join('\n')}`));
        const timer = deadlineMs === undefined ? undefined : setTimeout(() => fail(`${deadlineMs} ms passed`), deadlineMs);
        void exited.then((code) => fail(`the process exited with ${code}`));
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** The first stdout line, parsed as JSON (the ready line). */
export function firstJsonLine(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.once('exit', (code) => reject(new Error(`sessionite exited with ${code} before its ready line`)));
  });
}
