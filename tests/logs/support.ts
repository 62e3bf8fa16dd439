import { createAdminExtension } from '../../emulator/admin/index.js';
import { API_PATH } from '../../emulator/admin/contract.js';
import {
  createLogsExtension,
  type LogsExtension,
  type LogsExtensionOptions,
} from '../../emulator/logs/index.js';
import type { LogsQueryResponse, TailBatch } from '../../emulator/logs/contract.js';
import type { ContainerRuntime } from '../../emulator/runtime/types.js';
import type { EngineLimits, PoolSpec } from '../../emulator/pool/spec.js';
import { startEmulator, type Harness } from '../support/harness.js';

export interface LogsHarness extends Harness {
  logs: LogsExtension;
  api: string;
}

/** An emulator with the admin API and the logs extension mounted under it, as the hosts wire them. */
export async function startWithLogs(options: {
  pools: PoolSpec[];
  runtime: ContainerRuntime;
  logsDir: string;
  limits?: Partial<EngineLimits>;
  logs?: Partial<LogsExtensionOptions>;
}): Promise<LogsHarness> {
  const admin = createAdminExtension({ listenHost: '127.0.0.1', features: { logs: { available: true } } });
  const logs = createLogsExtension({
    dataDir: options.logsDir,
    runtime: options.runtime,
    adminAccess: { listenHost: '127.0.0.1', token: admin.token, requireToken: admin.tokenRequired },
    ...options.logs,
  });
  const harness = await startEmulator({
    pools: options.pools,
    runtime: options.runtime,
    limits: options.limits,
    extensions: [logs, admin],
  });
  return { ...harness, logs, api: harness.emulator.httpUrl + API_PATH };
}

export async function query(
  api: string,
  kql: string,
): Promise<{ status: number; body: LogsQueryResponse & { error?: Record<string, unknown> } }> {
  const response = await fetch(`${api}/logs/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: kql }),
  });
  return {
    status: response.status,
    body: (await response.json()) as LogsQueryResponse & { error?: Record<string, unknown> },
  };
}

/** Rows of a query that must succeed. */
export async function rows(api: string, kql: string): Promise<unknown[][]> {
  const { status, body } = await query(api, kql);
  if (status !== 200) throw new Error(`query failed (${status}): ${JSON.stringify(body)}`);
  return body.rows;
}

/** Re-runs `kql` until `accept` holds for its rows (capture is asynchronous). */
export async function eventually(
  api: string,
  kql: string,
  accept: (rows: unknown[][]) => boolean,
  timeoutMs = 30_000,
): Promise<unknown[][]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await rows(api, kql);
    if (accept(result)) return result;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting on ${kql}; last rows: ${JSON.stringify(result.slice(0, 20))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Opens the tail and collects its batches until `close` is called. */
export function openTail(
  api: string,
  params: Record<string, string>,
): { batches: TailBatch[]; close(): void; ready: Promise<void> } {
  const controller = new AbortController();
  const batches: TailBatch[] = [];
  const ready = (async () => {
    const response = await fetch(`${api}/logs/tail?${new URLSearchParams(params).toString()}`, {
      signal: controller.signal,
    });
    if (!response.body) throw new Error('no body');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const data = buffer
              .slice(0, end)
              .split('\n')
              .find((l) => l.startsWith('data: '));
            if (data) batches.push(JSON.parse(data.slice(6)) as TailBatch);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        /* closed */
      }
    })();
  })();
  return { batches, ready, close: () => controller.abort() };
}
