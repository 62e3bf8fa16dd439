import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestsCommand } from '../../emulator/cli/requests.js';
import type { ExchangeRecord, RecorderState, ReplayBatchResponse, ReplayResult, RequestListResponse } from '../../emulator/traffic/types.js';
import { startTraffic, type TrafficHarness } from './support.js';

let h: TrafficHarness | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** Runs `sessionite requests …` in this process (the emulator's emulator.json names this pid). */
async function cli(...args: string[]): Promise<string> {
  let text = '';
  await requestsCommand([...args, '--data-dir', h!.dataDir], (chunk) => {
    text += chunk;
  });
  return text;
}

async function traffic(harness: TrafficHarness): Promise<void> {
  await (await fetch(harness.url('p1', '/one', 'cli-user'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' })).text();
  await (await fetch(harness.url('p1', '/two', 'cli-user'))).text();
  await (await fetch(harness.url('p1', '/bad'))).text();
  await harness.traffic.flushed();
}

describe('sessionite requests', () => {
  it('lists and shows, as JSON and as tables', async () => {
    h = await startTraffic();
    await traffic(h);
    const list = JSON.parse(await cli('list', '--identifier', 'cli-user')) as RequestListResponse;
    expect(list.items.map((s) => s.target)).toEqual(['/two', '/one']);
    const errors = JSON.parse(await cli('list', '--status', '4xx', '--path', 'bad')) as RequestListResponse;
    expect(errors.total).toBe(1);
    const table = await cli('list', '--output', 'table', '--limit', '2');
    expect(table.split('\n')[0]).toMatch(/^ID\s+TIME\s+KIND\s+METHOD\s+STATUS\s+MS\s+POOL\s+IDENTIFIER\s+PATH$/);
    expect(table).toContain('400 SessionRequestValidationFailed');
    expect(table).toContain('2 of 3 shown');
    expect(table).toMatch(/… more: --before \d+/);
    const id = list.items[1]!.id;
    const record = JSON.parse(await cli('show', id)) as ExchangeRecord;
    expect(record).toMatchObject({ id, target: '/one', requestBody: { data: '{"n":1}' } });
    const shown = await cli('show', id, '--output', 'table');
    expect(shown).toContain(`#${id}`);
    expect(shown).toContain('POST /subscriptions/');
    expect(shown).toContain('Request body\n  (7 bytes)\n  {\n    "n": 1\n  }');
    await expect(cli('show', '999')).rejects.toThrow('No recorded exchange 999');
  });

  it('replays one request with edits, and a sequence to a new identifier', async () => {
    h = await startTraffic();
    await traffic(h);
    const [two, one] = h.traffic.list({ identifier: 'cli-user' }).items;
    const edited = JSON.parse(await cli('replay', one!.id, '--header', 'x-extra: yes', '--body', '{"n":2}')) as ReplayResult;
    expect(edited.replay).toMatchObject({ replayOf: one!.id, status: 200 });
    expect(JSON.parse(edited.replay!.responseBody.data)).toMatchObject({ body: '{"n":2}', headers: { 'x-extra': 'yes' } });
    const human = await cli('replay', one!.id, '--output', 'table');
    expect(human).toMatch(new RegExp(`^#${one!.id} → #\\d+  POST /one  200  identifier cli-user  \\(was 200\\); body equal`));
    const batch = JSON.parse(await cli('replay', one!.id, two!.id, '--new-identifier')) as ReplayBatchResponse;
    expect(batch.results).toHaveLength(2);
    expect(batch.results[0]!.replay!.identifier).toBe(batch.results[1]!.replay!.identifier);
    await expect(cli('replay', one!.id, two!.id, '--method', 'PUT')).rejects.toThrow('apply to one request');
  });

  it('exports to a file and imports it again', async () => {
    h = await startTraffic();
    await traffic(h);
    scratch = await mkdtemp(join(tmpdir(), 'sessionite-cli-har-'));
    const file = join(scratch, 'out.har');
    await cli('export', '--identifier', 'cli-user', '--out', file);
    const har = JSON.parse(await readFile(file, 'utf8')) as { log: { entries: unknown[] } };
    expect(har.log.entries).toHaveLength(2);
    const curl = await cli('export', '--format', 'curl', '--identifier', 'cli-user');
    expect(curl.match(/^curl -sS/gm)).toHaveLength(2);
    const imported = JSON.parse(await cli('import', file, '--new-identifier')) as ReplayBatchResponse;
    expect(imported.results.map((r) => r.replay?.status)).toEqual([200, 200]);
    const bad = join(scratch, 'bad.har');
    await writeFile(bad, '{"log":{}}');
    await expect(cli('import', bad)).rejects.toThrow('not a HAR document');
  });

  it('pauses, resumes, reports and clears', async () => {
    h = await startTraffic();
    await traffic(h);
    expect((JSON.parse(await cli('pause')) as RecorderState).enabled).toBe(false);
    expect(await cli('status', '--output', 'table')).toMatch(/^recording paused; 3 record\(s\)/);
    expect((JSON.parse(await cli('resume')) as RecorderState).enabled).toBe(true);
    expect((JSON.parse(await cli('clear')) as RecorderState).records).toBe(0);
  });

  it('says how to start an emulator when none runs', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sessionite-none-'));
    scratch = empty;
    await expect(requestsCommand(['list', '--data-dir', empty], () => undefined)).rejects.toThrow('no running emulator uses the data folder');
  });
});
