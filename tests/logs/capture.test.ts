import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCapture, type CaptureOptions } from '../../emulator/logs/capture.js';
import { runKql } from '../../emulator/logs/kql/index.js';
import { LogStore } from '../../emulator/logs/store.js';
import { FakeRuntime } from '../support/fake-runtime.js';

let dataDir: string;
let runtime: FakeRuntime;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-capture-'));
  runtime = new FakeRuntime();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const id of runtime.containers.keys()) await runtime.remove(id);
  await rm(dataDir, { recursive: true, force: true });
});

async function openStore(): Promise<LogStore> {
  const store = new LogStore({ dataDir });
  await store.open();
  cleanups.push(() => store.close());
  return store;
}

function newCapture(store: LogStore, options: Partial<CaptureOptions> = {}): LogCapture {
  const capture = new LogCapture({ runtime, store, retryMs: 5, ...options });
  cleanups.push(() => capture.stop());
  return capture;
}

async function container(): Promise<string> {
  const started = await runtime.start({
    name: 'c',
    image: 'img',
    env: {},
    cpu: 1,
    memoryBytes: 1,
    pidsLimit: 1,
    labels: {},
    network: 'n',
    targetPort: 80,
  });
  return started.id;
}

function logs(store: LogStore, where = ''): string[] {
  return runKql(`AppEnvSessionConsoleLogs_CL ${where} | project Log_s`, store.source()).rows.map(
    (r) => r[0] as string,
  );
}

function follow(capture: LogCapture, store: LogStore, id: string): void {
  capture.follow(
    id,
    store.context({
      containerId: id,
      pool: 'p',
      identifier: '',
      containerName: 'main',
      image: 'img',
      resourceId: '',
    }),
  );
}

describe('LogCapture', () => {
  it('stores every line in order, from the first before it attached to an unterminated last one at exit', async () => {
    const store = await openStore();
    const capture = newCapture(store);
    const id = await container();
    runtime.writeLog(id, 'stdout', 'listening\n');
    follow(capture, store, id);
    for (let i = 1; i <= 1000; i++) runtime.writeLog(id, i % 3 ? 'stdout' : 'stderr', `line ${i}\n`);
    runtime.writeLog(id, 'stdout', 'exiting without newline');
    runtime.exit(id, 0);
    await capture.finished(id);
    const lines = logs(store);
    expect(lines[0]).toBe('listening');
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`));
    expect(lines.at(-1)).toBe('exiting without newline');
    expect(logs(store, "| where Stream_s == 'stderr'")).toHaveLength(333);
  });

  it('resumes a broken stream from its cursor without repeating or losing lines', async () => {
    const store = await openStore();
    const capture = newCapture(store);
    const id = await container();
    follow(capture, store, id);
    const same = '2030-01-01T00:00:00.000000001Z';
    runtime.writeLog(id, 'stdout', 'a\n', same);
    runtime.writeLog(id, 'stdout', 'b\n', same);
    await until(() => logs(store).length === 2);
    runtime.breakLogReaders(id);
    // Written while the reader is away; the resumed read (inclusive since) sees a and b again.
    runtime.writeLog(id, 'stdout', 'c\n', same);
    runtime.writeLog(id, 'stdout', 'd\n', '2030-01-01T00:00:00.000000002Z');
    await until(() => logs(store).length === 4);
    runtime.breakLogReaders(id);
    runtime.writeLog(id, 'stdout', 'e\n', '2030-01-01T00:00:00.000000003Z');
    runtime.exit(id);
    await capture.finished(id);
    expect(logs(store)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('does not duplicate when a restarted emulator re-attaches to a container it had read (cursor persisted)', async () => {
    const first = await openStore();
    const capture = newCapture(first);
    const id = await container();
    follow(capture, first, id);
    for (let i = 1; i <= 5; i++) runtime.writeLog(id, 'stdout', `before ${i}\n`);
    await until(() => logs(first).length === 5);
    await capture.stop();
    await first.close();

    runtime.writeLog(id, 'stdout', 'while down\n');
    const second = new LogStore({ dataDir });
    await second.open();
    cleanups.push(() => second.close());
    const again = newCapture(second);
    follow(again, second, id);
    runtime.exit(id);
    await again.finished(id);
    expect(logs(second)).toEqual(['before 1', 'before 2', 'before 3', 'before 4', 'before 5', 'while down']);
  });

  it('drops lines over the rate instead of queueing them, and records how many', async () => {
    const store = await openStore();
    const capture = newCapture(store, { linesPerSecond: 1, burstLines: 10 });
    const id = await container();
    for (let i = 1; i <= 100; i++) runtime.writeLog(id, 'stdout', `flood ${i}\n`);
    follow(capture, store, id);
    runtime.exit(id);
    await capture.finished(id);
    expect(logs(store, "| where Stream_s == 'stdout'")).toEqual(
      Array.from({ length: 10 }, (_, i) => `flood ${i + 1}`),
    );
    expect(logs(store, "| where Stream_s == 'system'")).toEqual([
      '90 lines dropped: the container wrote more than 1 lines/s.',
    ]);
    expect(store.stats().dropped.capture).toBe(90);
  });

  it('ends a reader whose container is gone, keeping what it read', async () => {
    const store = await openStore();
    const capture = newCapture(store);
    const id = await container();
    runtime.writeLog(id, 'stderr', 'ERROR last words\n');
    follow(capture, store, id);
    await until(() => logs(store).length === 1);
    await runtime.remove(id);
    await capture.finished(id);
    expect(capture.isFollowing(id)).toBe(false);
    expect(runKql('AppEnvSessionConsoleLogs_CL | project Level_s', store.source()).rows).toEqual([['error']]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
