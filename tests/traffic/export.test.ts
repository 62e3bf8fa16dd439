import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayBatchResponse } from '../../emulator/traffic/types.js';
import { startTraffic, type TrafficHarness } from './support.js';

const run = promisify(execFile);

let h: TrafficHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Three requests of one conversation; the FakeRuntime echo answers deterministically for one session. */
async function conversation(harness: TrafficHarness): Promise<{ ids: string[]; answers: unknown[] }> {
  const calls: [string, RequestInit][] = [
    ['/first', {}],
    ['/json', { method: 'POST', headers: { 'content-type': 'application/json', 'x-quote': "it's" }, body: '{"code":"print(\'hi\')\\n"}' }],
    ['/bin', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 3, 255]) }],
  ];
  const answers: unknown[] = [];
  for (const [path, init] of calls) answers.push(await (await fetch(harness.url('p1', path, 'talker') + '&n=1', init)).json());
  await harness.traffic.flushed();
  const ids = harness.traffic.list({ identifier: 'talker' }).items.map((s) => s.id).reverse();
  return { ids, answers };
}

describe('export and import', () => {
  it('exports curl commands that the system curl replays with the same answers', async () => {
    h = await startTraffic();
    const { ids, answers } = await conversation(h);
    const exported = await h.api('GET', `/export?format=curl&ids=${ids.join(',')}`);
    expect(exported.headers.get('content-disposition')).toContain('sessionite-requests.sh');
    const script = exported.text;
    expect(script).toContain("-X POST \\\n  'http://127.0.0.1:");
    expect(script).toContain("-H 'x-quote: it'\\''s'");
    expect(script).toContain('| base64 -d | curl');
    // Run each command separately and compare with the original answers.
    const commands = script.split('\n\n').slice(1);
    expect(commands).toHaveLength(3);
    for (const [i, command] of commands.entries()) {
      const { stdout } = await run('sh', ['-c', command]);
      expect(JSON.parse(stdout)).toEqual(answers[i]);
    }
    // One record exported alone has the same command.
    const single = await h.api('GET', `/${ids[0]}/export?format=curl`);
    expect(single.text).toContain(commands[0]!.split('\n')[1]!);
  });

  it('exports a .http file for VS Code REST Client and JetBrains', async () => {
    h = await startTraffic({ auth: { mode: 'basic' } });
    const token = (await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io' })).accessToken;
    await (await fetch(h.url('p1', '/run', 'user-1'), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"a":1}' })).text();
    await h.traffic.flushed();
    const file = (await h.api('GET', '/export?format=http&pool=p1')).text;
    expect(file).toContain(`@baseUrl = ${h.emulator.httpUrl}`);
    expect(file).toContain('@token =');
    expect(file).toMatch(/\n### #\d+ POST \/run → 200 \(pool p1, identifier user-1\)\nPOST \{\{baseUrl\}\}\/subscriptions\/.*\/sessionPools\/p1\/run\?identifier=user-1\n/);
    expect(file).toContain('content-type: application/json\n');
    expect(file).toContain('Authorization: Bearer {{token}}\n\n{"a":1}\n');
    expect(file).not.toContain(token);
  });

  it('exports HAR 1.2; importing it replays the same requests with the same answers', async () => {
    h = await startTraffic();
    const { ids, answers } = await conversation(h);
    const har = (await h.api<{ log: { version: string; entries: Record<string, unknown>[] } }>('GET', `/export?format=har&identifier=talker`)).body;
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(3);
    const [first, second, third] = har.log.entries as {
      request: { method: string; url: string; postData?: { text: string; _encoding?: string } };
      response: { status: number; content: { text: string } };
      timings: Record<string, number>;
      _sessionite: { id: string };
    }[];
    expect(first!.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/p1\/first\?identifier=talker&n=1$/);
    expect(second!.request.postData?.text).toBe('{"code":"print(\'hi\')\\n"}');
    expect(third!.request.postData).toMatchObject({ text: Buffer.from([0, 1, 2, 3, 255]).toString('base64'), _encoding: 'base64' });
    expect(JSON.parse(first!.response.content.text)).toEqual(answers[0]);
    expect(first!.timings.wait).toBeGreaterThanOrEqual(0);
    expect(first!._sessionite.id).toBe(ids[0]);

    const imported = await h.api<ReplayBatchResponse>('POST', '/import', { har });
    expect(imported.status).toBe(200);
    const results = imported.body.results;
    expect(results.map((r) => r.original)).toEqual(ids);
    for (const [i, result] of results.entries()) {
      expect(result.replay).toMatchObject({ imported: true, replayOf: ids[i], status: 200 });
      expect(JSON.parse(result.replay!.responseBody.data)).toEqual(answers[i]);
      expect(result.comparison?.body.equal).toBe(true);
    }
  });

  it('imports a HAR from elsewhere into this emulator, to a new identifier', async () => {
    h = await startTraffic();
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'browser', version: '1' },
        entries: [
          {
            request: {
              method: 'POST',
              url: 'https://westeurope.dynamicsessions.io/subscriptions/abc/resourceGroups/rg/sessionPools/p1/code/execute?api-version=2024-02-02-preview&identifier=remote-1',
              headers: [
                { name: ':authority', value: 'westeurope.dynamicsessions.io' },
                { name: 'Authorization', value: 'Bearer real-azure-token' },
                { name: 'Content-Type', value: 'application/json' },
              ],
              postData: { mimeType: 'application/json', text: '{"properties":{"code":"1+1"}}' },
            },
          },
          { request: { method: 'GET', url: 'https://example.com/not-a-pool' } },
          { nonsense: true },
        ],
      },
    };
    const results = (await h.api<ReplayBatchResponse>('POST', '/import', { har, target: 'new' })).body.results;
    expect(results[0]?.replay).toMatchObject({ imported: true, status: 200, target: '/code/execute', pool: 'p1' });
    expect(results[0]?.replay?.identifier).toMatch(/^replay-/);
    const seen = JSON.parse(results[0]!.replay!.responseBody.data) as { body: string; headers: Record<string, string> };
    expect(seen.body).toBe('{"properties":{"code":"1+1"}}');
    expect(seen.headers.authorization).toBeUndefined();
    expect(results[1]?.error).toContain('not a session pool endpoint');
    expect(results[2]?.error).toContain('entry 2');
    expect((await h.api('POST', '/import', { har: { nope: 1 } })).status).toBe(400);
  });
});
