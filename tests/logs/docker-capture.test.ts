import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKql } from '../../emulator/logs/kql/index.js';
import { DockerRuntime } from '../../emulator/runtime/docker.js';
import type { ContainerLogEntry } from '../../emulator/runtime/types.js';
import { until } from '../support/harness.js';
import { ensureEchoImage } from '../support/images.js';
import { testPool } from '../support/pool-spec.js';
import { eventually, rows, startWithLogs, type LogsHarness } from './support.js';

/** Capture from real containers: the echo server's first and last lines, a flood, both streams. */
let h: LogsHarness;
const runtime = new DockerRuntime();
let logsDir: string;

beforeAll(async () => {
  const image = await ensureEchoImage();
  logsDir = await mkdtemp(join(tmpdir(), 'sessionite-logs-docker-'));
  h = await startWithLogs({
    pools: [testPool('echo', image, { readySessionInstances: 1, maxConcurrentSessions: 5 })],
    runtime,
    logsDir,
  });
  await until(h.emulator, () => h.emulator.getPool('echo')?.counts().ready === 1, 'a ready echo session');
});

afterAll(async () => {
  await h?.stop();
  await rm(logsDir, { recursive: true, force: true });
});

async function allocate(identifier: string): Promise<string> {
  await until(h.emulator, () => h.emulator.getPool('echo')?.counts().ready === 1, 'a ready echo session');
  expect((await fetch(h.url('echo', '/who', identifier))).status).toBe(200);
  const session = h.emulator
    .getPool('echo')
    ?.allSessions()
    .find((s) => s.identifier === identifier);
  if (!session?.containerId) throw new Error('no session');
  return session.containerId;
}

describe('console capture on Docker', () => {
  it('captures the first line after start and the last line before exit', async () => {
    const container = await allocate('docker-logs-a');
    const first = await eventually(
      h.api,
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'docker-logs-a' | project Log_s, Stream_s, ContainerId_s",
      (r) => r.length >= 1,
    );
    expect(first[0]).toEqual(['echo-server listening on 8080', 'stdout', container]);
    // What a graceful stop does: SIGTERM. The server prints its last line and exits; the engine
    // reports the exit, the session ends and its container is removed.
    execFileSync('docker', ['kill', '--signal', 'SIGTERM', container]);
    await until(
      h.emulator,
      () =>
        !h.emulator
          .getPool('echo')
          ?.allSessions()
          .some((s) => s.containerId === container),
      'the session to end',
    );
    await h.logs.capture.finished(container);
    const all = await rows(
      h.api,
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'docker-logs-a' | project Log_s",
    );
    expect(all).toEqual([['echo-server listening on 8080'], ['echo-server exiting']]);
    const ended = await eventually(
      h.api,
      "AppEnvSessionLifecycleLogs | where SessionId == 'docker-logs-a' | project OperationName, Log",
      (r) => r.length === 2,
    );
    expect(ended[1]).toEqual([
      'SessionContainerExited',
      'Session ended: its container exited with exit code 0.',
    ]);
  });

  it('loses none of 100,000 lines printed at once, and keeps their order', async () => {
    await allocate('docker-logs-flood');
    const response = await fetch(h.url('echo', '/log?lines=100000', 'docker-logs-flood'));
    expect(await response.json()).toEqual({ printed: 100000, stream: 'stdout' });
    const kql =
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'docker-logs-flood' and Log_s startswith 'log line ' | count";
    await eventually(h.api, kql, (r) => r[0]?.[0] === 100_000, 50_000);
    const lines = runKql(
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'docker-logs-flood' and Log_s startswith 'log line ' | project Log_s",
      h.logs.store.source(),
      { maxRows: 200_000 },
    ).rows.map((r) => r[0]);
    expect(lines).toHaveLength(100_000);
    const outOfOrder = lines.findIndex((line, i) => line !== `log line ${i + 1}/100000`);
    expect(outOfOrder).toBe(-1);
    expect(await rows(h.api, "AppEnvSessionConsoleLogs_CL | where Stream_s == 'system' | count")).toEqual([
      [0],
    ]);
  });

  it('captures stderr with its stream and inferred level', async () => {
    await allocate('docker-logs-err');
    await fetch(h.url('echo', '/log?lines=3&stream=stderr', 'docker-logs-err'));
    const lines = await eventually(
      h.api,
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'docker-logs-err' and Stream_s == 'stderr' | project Log_s, Level_s, ContainerImage_s, ContainerName_s",
      (r) => r.length === 3,
    );
    expect(lines.map((r) => r[0])).toEqual(['log line 1/3', 'log line 2/3', 'log line 3/3']);
    expect(lines[0]?.slice(1)).toEqual(['error', expect.stringMatching(/^sessionite-test\/echo:/), 'main']);
  });

  it('resumes a read from an engine timestamp with nanosecond precision (since is inclusive)', async () => {
    const container = await allocate('docker-logs-since');
    await fetch(h.url('echo', '/log?lines=5', 'docker-logs-since'));
    // The echo server answers once its writes return, which is before the engine's log driver has
    // stored them; the capture seeing all five lines proves the engine has them to read back.
    await eventually(
      h.api,
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'docker-logs-since' and Log_s startswith 'log line ' | count",
      (r) => r[0]?.[0] === 5,
    );
    const read = async (since?: string): Promise<ContainerLogEntry[]> => {
      const entries: ContainerLogEntry[] = [];
      for await (const batch of runtime.logs(container, { follow: false, since })) entries.push(...batch);
      return entries;
    };
    const all = await read();
    expect(all.map((e) => e.data.toString())).toEqual([
      'echo-server listening on 8080\n',
      ...[1, 2, 3, 4, 5].map((i) => `log line ${i}/5\n`),
    ]);
    expect(all[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const resumed = await read(all[3]?.timestamp);
    expect(resumed.map((e) => e.data.toString())).toEqual(all.slice(3).map((e) => e.data.toString()));
  });
});
