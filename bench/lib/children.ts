import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Load generators run as child processes (`bench/load/*.ts` through tsx), never in the emulator's
 * event loop nor in the orchestrator's, which keeps sampling /proc meanwhile. Each child takes one
 * JSON argument and prints one JSON line with its result.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export type LoadScript = 'autocannon' | 'latency' | 'stream' | 'plain-proxy' | 'tcp-pipe';

export function loadScriptPath(script: LoadScript): string {
  return fileURLToPath(new URL(`../load/${script}.ts`, import.meta.url));
}

export function runLoadChild<T>(script: LoadScript, input: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', loadScriptPath(script), JSON.stringify(input)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`load child ${script} exited with ${code}: ${stderr.trim() || line}`));
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`load child ${script} printed no JSON result: ${line.slice(0, 300)}`));
      }
    });
  });
}

/**
 * Starts a long-running child (a reference server) and resolves with its first JSON line. The
 * caller kills it; it is also killed when `signal` aborts.
 */
export function startServiceChild<T>(script: LoadScript, input: unknown, signal?: AbortSignal): Promise<{ child: ChildProcess; info: T }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', loadScriptPath(script), JSON.stringify(input)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const kill = (): void => void child.kill('SIGKILL');
    signal?.addEventListener('abort', kill, { once: true });
    child.once('exit', () => signal?.removeEventListener('abort', kill));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      try {
        resolve({ child, info: JSON.parse(line) as T });
      } catch {
        kill();
        reject(new Error(`${script} printed no JSON: ${line.slice(0, 200)}`));
      }
    });
  });
}

/** Parses the single JSON argument of a load child. */
export function childInput<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('expected one JSON argument');
  return JSON.parse(raw) as T;
}

export function childOutput(result: unknown): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}
