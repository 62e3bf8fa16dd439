import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logsCommand } from '../../emulator/cli/logs.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { until } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';
import { eventually, openTail, query, rows, startWithLogs, type LogsHarness } from './support.js';

let logsDir: string;
let runtime: FakeRuntime;
let h: LogsHarness | undefined;

beforeEach(async () => {
  logsDir = await mkdtemp(join(tmpdir(), 'sessionite-logs-it-'));
  runtime = new FakeRuntime();
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await rm(logsDir, { recursive: true, force: true });
});

async function start(): Promise<LogsHarness> {
  h = await startWithLogs({
    pools: [testPool('p1', 'img:1', { readySessionInstances: 1 })],
    runtime,
    logsDir,
  });
  const emulator = h.emulator;
  await until(emulator, () => emulator.getPool('p1')?.counts().ready === 1, 'a ready session');
  return h;
}

function readyContainer(harness: LogsHarness): string {
  const session = harness.emulator
    .getPool('p1')
    ?.allSessions()
    .find((s) => s.state === 'ready');
  if (!session?.containerId) throw new Error('no ready session');
  return session.containerId;
}

/** Allocates the ready session to `identifier` with a data-plane request. */
async function allocate(harness: LogsHarness, identifier: string): Promise<string> {
  const id = readyContainer(harness);
  expect((await fetch(harness.url('p1', '/hello', identifier))).status).toBe(200);
  return id;
}

describe('logs through the emulator (fake runtime)', () => {
  it('binds lines printed before allocation to the session and answers KQL over the API', async () => {
    const harness = await start();
    const id = readyContainer(harness);
    runtime.writeLog(id, 'stdout', 'echo-server listening on 8080\n');
    await allocate(harness, 'user-1');
    runtime.writeLog(id, 'stderr', 'WARN cache cold\n');
    runtime.writeLog(id, 'stderr', 'Traceback (most recent call last):\n');
    const lines = await eventually(
      harness.api,
      "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'user-1' | project Log_s, Stream_s, Level_s, SessionPoolName_s, ContainerId_s",
      (r) => r.length === 3,
    );
    expect(lines).toEqual([
      ['echo-server listening on 8080', 'stdout', 'info', 'p1', id],
      ['WARN cache cold', 'stderr', 'warning', 'p1', id],
      ['Traceback (most recent call last):', 'stderr', 'error', 'p1', id],
    ]);
    const { body } = await query(
      harness.api,
      'AppEnvSessionConsoleLogs_CL | summarize count() by bin(TimeGenerated, 1m), Level_s | order by Level_s asc',
    );
    expect(body.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'Level_s', 'count_']);
    expect(body.rows.map((r) => [r[1], r[2]])).toEqual([
      ['error', 1],
      ['info', 1],
      ['warning', 1],
    ]);
    expect(body.rows[0]?.[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00(\.000)?Z$/);
  });

  it('records lifecycle and pool events with their documented columns', async () => {
    const harness = await start();
    await allocate(harness, 'user-1');
    const stop = await fetch(harness.url('p1', '/.management/stopSession', 'user-1'), { method: 'POST' });
    expect(stop.status).toBe(200);
    await until(
      harness.emulator,
      () => harness.emulator.getPool('p1')?.counts().ready === 1,
      'a new ready session',
    );
    const exiting = await allocate(harness, 'user-2');
    runtime.exit(exiting, 137, true);
    const lifecycle = await eventually(
      harness.api,
      'AppEnvSessionLifecycleLogs | project SessionId, OperationName, Level, Log, SessionPoolName, Location, PodName, _ResourceId',
      (r) => r.length === 4,
    );
    expect(lifecycle.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['user-1', 'SessionAllocated', 'Informational'],
      ['user-1', 'SessionStoppedByApi', 'Informational'],
      ['user-2', 'SessionAllocated', 'Informational'],
      ['user-2', 'SessionContainerExited', 'Error'],
    ]);
    expect(lifecycle[3]?.[3]).toBe(
      'Session ended: its container exited with exit code 137, killed for exceeding its memory limit (OOM).',
    );
    expect(lifecycle[0]?.slice(4)).toEqual([
      'p1',
      'local',
      expect.stringMatching(/^sessionite-p1-[0-9a-f]{12}$/),
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/sessionite/providers/microsoft.app/sessionpools/p1',
    ]);
    const operations = (await rows(harness.api, 'AppEnvSessionPoolEventLogs | distinct OperationName')).map(
      (r) => r[0],
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'ImageReady',
        'SessionContainerStarting',
        'ReadySessionCreated',
        'SessionContainerDeleted',
      ]),
    );
    const deleted = await rows(
      harness.api,
      "AppEnvSessionPoolEventLogs | where OperationName == 'SessionContainerDeleted' and Level == 'Error' | project Log",
    );
    expect(deleted[0]?.[0]).toMatch(
      /deleted \(its container exited\); it exited with exit code 137, killed for exceeding its memory limit \(OOM\)/,
    );
  });

  it('answers malformed and unsupported queries with positioned 400 errors', async () => {
    const harness = await start();
    const syntax = await query(harness.api, 'AppEnvSessionConsoleLogs_CL\n| where Log_s has');
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({
      code: 'BadArgumentError',
      innererror: { code: 'SyntaxError', line: 2, column: 18, pos: 17, offset: 45 },
    });
    const unsupported = await query(harness.api, 'AppEnvSessionConsoleLogs_CL | join (x) on y');
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toMatchObject({
      innererror: { code: 'SyntaxError', line: 1, column: 31 },
    });
    expect(JSON.stringify(unsupported.body.error)).toMatch(/where/);
    const semantic = await query(harness.api, 'AppEnvSessionConsoleLogs_CL | where Nope == 1');
    expect(semantic.body.error).toMatchObject({ innererror: { code: 'SemanticError', column: 37 } });
    expect(JSON.stringify(semantic.body.error)).toMatch(/unknown column 'Nope'/);
    const table = await query(harness.api, 'ContainerAppConsoleLogs_CL | take 1');
    expect(table.status).toBe(400);
    const empty = await fetch(`${harness.api}/logs/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe('InvalidRequest');
  });

  it('tails matching lines live over server-sent events, replaying recent ones first', async () => {
    const harness = await start();
    const id = await allocate(harness, 'user-1');
    runtime.writeLog(id, 'stdout', 'INFO quiet\n');
    runtime.writeLog(id, 'stdout', 'ERROR loud before\n');
    await eventually(harness.api, 'AppEnvSessionConsoleLogs_CL | count', (r) => r[0]?.[0] === 2);
    const tail = openTail(harness.api, { identifier: 'user-1', level: 'warning' });
    await tail.ready;
    runtime.writeLog(id, 'stdout', 'INFO still quiet\n');
    runtime.writeLog(id, 'stderr', 'ERROR loud after\n');
    const deadline = Date.now() + 10_000;
    while (tail.batches.flatMap((b) => b.records).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    tail.close();
    expect(tail.batches[0]?.replay).toBe(true);
    expect(tail.batches.flatMap((b) => b.records.map((r) => r.Log_s))).toEqual([
      'ERROR loud before',
      'ERROR loud after',
    ]);
    const bad = await fetch(`${harness.api}/logs/tail?level=loud`);
    expect(bad.status).toBe(400);
  });

  it('serves `sessionite logs` (recent lines, json, and --query as a table)', async () => {
    const harness = await start();
    const id = await allocate(harness, 'user-1');
    for (let i = 1; i <= 5; i++) runtime.writeLog(id, 'stdout', `line ${i}\n`);
    await eventually(harness.api, 'AppEnvSessionConsoleLogs_CL | count', (r) => r[0]?.[0] === 5);
    let printed = '';
    const out = (text: string): void => void (printed += text);
    await logsCommand(
      ['--data-dir', harness.dataDir, '--pool', 'p1', '--identifier', 'user-1', '--take', '3'],
      out,
    );
    expect(
      printed
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/^\S+\s+/, '')),
    ).toEqual([
      'p1/user-1  stdout  info      line 3',
      'p1/user-1  stdout  info      line 4',
      'p1/user-1  stdout  info      line 5',
    ]);
    printed = '';
    await logsCommand(
      ['--data-dir', harness.dataDir, '--identifier', 'user-1', '--take', '1', '--output', 'json'],
      out,
    );
    expect(JSON.parse(printed)).toMatchObject({ SessionId_s: 'user-1', Log_s: 'line 5', Stream_s: 'stdout' });
    printed = '';
    await logsCommand(
      [
        '--data-dir',
        harness.dataDir,
        '--query',
        'AppEnvSessionConsoleLogs_CL | summarize n = count() by SessionId_s',
      ],
      out,
    );
    expect(printed).toBe('SessionId_s  n\nuser-1       5\n');
    await expect(
      logsCommand(['--data-dir', harness.dataDir, '--query', 'AppEnvSessionConsoleLogs_CL | bogus'], out),
    ).rejects.toThrow(/line 1, column 31/);
  });

  it('keeps records across an emulator restart on the same data folder, without duplicates', async () => {
    const first = await start();
    const id = await allocate(first, 'user-1');
    for (let i = 1; i <= 3; i++) runtime.writeLog(id, 'stdout', `first run ${i}\n`);
    await eventually(first.api, 'AppEnvSessionConsoleLogs_CL | count', (r) => r[0]?.[0] === 3);
    await first.stop();
    h = undefined;

    const second = await start();
    const id2 = await allocate(second, 'user-2');
    runtime.writeLog(id2, 'stdout', 'second run\n');
    const lines = await eventually(
      second.api,
      'AppEnvSessionConsoleLogs_CL | project SessionId_s, Log_s',
      (r) => r.length === 4,
    );
    expect(lines).toEqual([
      ['user-1', 'first run 1'],
      ['user-1', 'first run 2'],
      ['user-1', 'first run 3'],
      ['user-2', 'second run'],
    ]);
    const allocated = await rows(
      second.api,
      "AppEnvSessionLifecycleLogs | where OperationName == 'SessionAllocated' | project SessionId",
    );
    expect(allocated).toEqual([['user-1'], ['user-2']]);
  });

  it('runs the supported KQL operators over captured records', async () => {
    const harness = await start();
    const id = await allocate(harness, 'kql-user');
    const lines = [
      'INFO started worker',
      'WARN queue is slow',
      'ERROR request failed: timeout',
      'DEBUG cache hit',
      'Done.',
    ];
    lines.forEach((line, i) => runtime.writeLog(id, i === 2 ? 'stderr' : 'stdout', line + '\n'));
    await eventually(harness.api, 'AppEnvSessionConsoleLogs_CL | count', (r) => r[0]?.[0] === 5);
    const T = "AppEnvSessionConsoleLogs_CL | where SessionId_s == 'kql-user'";
    const cases: [string, unknown[][]][] = [
      [`${T} | where Log_s has 'queue' | project Log_s`, [['WARN queue is slow']]],
      [`${T} | where Log_s !has 'queue' and Log_s !contains 'e' | project Log_s`, []],
      [`${T} | where Log_s contains 'TIME' | project Level_s`, [['error']]],
      [
        `${T} | where Log_s startswith 'DEBUG' or Log_s endswith '.' | project Log_s`,
        [['DEBUG cache hit'], ['Done.']],
      ],
      [`${T} | where Level_s in ('warning', 'error') | count`, [[2]]],
      [`${T} | where Level_s !in ('info') | count`, [[3]]],
      [`${T} | where Stream_s =~ 'STDERR' | project Log_s`, [['ERROR request failed: timeout']]],
      [`${T} | where Stream_s !~ 'STDOUT' | count`, [[1]]],
      [`${T} | where not(Level_s == 'info') and Level_s != 'debug' | count`, [[2]]],
      [`${T} | where TimeGenerated > ago(1h) and TimeGenerated <= now() + 1m | count`, [[5]]],
      [`${T} | where TimeGenerated < datetime(2000-01-01) | count`, [[0]]],
      [`${T} | where TimeGenerated >= now(-1d) | count`, [[5]]],
      [
        `${T} | extend Length = strlen(Log_s) | where Length > 18 | sort by Length desc | project Log_s, Length`,
        [
          ['ERROR request failed: timeout', 29],
          ['INFO started worker', 19],
        ],
      ],
      [`${T} | order by Log_s asc | take 2 | project Log_s`, [['DEBUG cache hit'], ['Done.']]],
      [`${T} | limit 1 | project Log_s`, [['INFO started worker']]],
      [`${T} | distinct Stream_s | order by Stream_s asc`, [['stderr'], ['stdout']]],
      [
        `${T} | summarize n = count() by Stream_s | order by n desc`,
        [
          ['stdout', 4],
          ['stderr', 1],
        ],
      ],
      [`${T} | summarize count() by bin(TimeGenerated, 1d) | project count_`, [[5]]],
      [`${T} | top 1 by Log_s desc | project Log_s`, [['WARN queue is slow']]],
    ];
    for (const [kql, expected] of cases) expect([kql, await rows(harness.api, kql)]).toEqual([kql, expected]);
  });
});
