import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ReplayResult } from '../../emulator/traffic/types.js';
import { DockerRuntime } from '../../emulator/runtime/docker.js';
import { ensureEchoImage } from '../support/images.js';
import { testPool } from '../support/pool-spec.js';
import { startTraffic, type TrafficHarness } from './support.js';

/** The recorder in front of real containers (the offline echo image): bytes, handshakes, replays. */
const run = promisify(execFile);
let h: TrafficHarness;

beforeAll(async () => {
  const image = await ensureEchoImage();
  h = await startTraffic({
    runtime: new DockerRuntime(),
    pools: [testPool('echo', image, { readySessionInstances: 1, maxConcurrentSessions: 5 })],
  });
});

afterAll(async () => {
  await h?.stop();
});

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('recording in front of Docker sessions', () => {
  it('streams a 64 MiB upload and download through the recorder unchanged', async () => {
    const body = randomBytes(64 * 1024 * 1024);
    const upload = await fetch(h.url('echo', '/upload', 'rec-stream'), { method: 'POST', body, duplex: 'half' });
    const seen = (await upload.json()) as { bytes: number; sha256: string };
    expect(seen).toEqual({ bytes: body.length, sha256: sha256(body) });

    const total = 64 * 1024 * 1024;
    const download = await fetch(h.url('echo', `/download?bytes=${total}`, 'rec-stream'));
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of download.body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
    }
    // The echo image's download pattern: byte i of each 64 KiB block is i % 251.
    const block = Buffer.alloc(64 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = i % 251;
    const expected = createHash('sha256');
    for (let i = 0; i < total / block.length; i++) expected.update(block);
    expect(received).toBe(total);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));

    const up = await h.latest((s) => s.target === '/upload');
    expect(up.requestBody).toMatchObject({ size: body.length, truncated: true, encoding: 'base64' });
    expect(Buffer.from(up.requestBody.data, 'base64').equals(body.subarray(0, 1024 * 1024))).toBe(true);
    const down = await h.latest((s) => s.target === '/download');
    expect(down.responseBody).toMatchObject({ size: total, truncated: true });
    expect(down.timing.totalMs).toBeGreaterThan(0);
  });

  it('records a WebSocket handshake (101 and its headers), while frames pass untouched', async () => {
    const socket = new WebSocket(h.url('echo', '/ws', 'rec-ws').replace(/^http/, 'ws'));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const echoed = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
    socket.send('frame that is never recorded');
    expect(await echoed).toBe('frame that is never recorded');
    const record = await h.latest((s) => s.upgrade === 'websocket' && s.identifier === 'rec-ws');
    expect(record).toMatchObject({ status: 101, kind: 'data', pool: 'echo', target: '/ws', allocated: true });
    expect(record.responseHeaders.upgrade).toMatch(/websocket/i);
    expect(record.timing.connectMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(record)).not.toContain('frame that is never recorded');
    socket.close();
  });

  it('replays against the same container with the same answer, and the exported curl does too', async () => {
    const first = await fetch(h.url('echo', '/echo?x=1', 'rec-replay'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'same bytes' });
    const answer = (await first.json()) as Record<string, unknown>;
    const record = await h.latest((s) => s.identifier === 'rec-replay');
    const result = (await h.api<ReplayResult>('POST', `/${record.id}/replay`, {})).body;
    expect(JSON.parse(result.replay!.responseBody.data)).toEqual(answer);
    expect(result.comparison?.body.equal).toBe(true);
    const script = (await h.api('GET', `/${record.id}/export?format=curl`)).text;
    const command = script.split('\n\n').at(-1)!;
    const { stdout } = await run('sh', ['-c', command]);
    expect(JSON.parse(stdout)).toEqual(answer);
  });
});
