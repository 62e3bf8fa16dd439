import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord, ReplayResult, RequestListResponse } from '../../emulator/traffic/types.js';
import { BIN, firstJsonLine, runCli, type CliProcess } from '../support/cli-process.js';
import { ensureEchoImage } from '../support/images.js';

/** The real binary: `sessionite start` records, `sessionite requests …` in another process reads and replays. */
const run = promisify(execFile);
let dir: string;
let cli: CliProcess;
let endpoint: string;
let token: string;

async function requests(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, 'requests', ...args, '--data-dir', join(dir, 'data')]);
  return stdout;
}

beforeAll(async () => {
  const image = await ensureEchoImage();
  dir = await mkdtemp(join(tmpdir(), 'sessionite-requests-cli-'));
  const config = join(dir, 'sessionite.yaml');
  await writeFile(
    config,
    `pools:
  - name: recpool
    properties:
      scaleConfiguration: { maxConcurrentSessions: 3, readySessionInstances: 1 }
      customContainerTemplate:
        containers: [{ name: main, image: "${image}" }]
        ingress: { targetPort: 8080 }
`,
  );
  cli = runCli(['start', '--config', config, '--port', '0', '--data-dir', join(dir, 'data')]);
  const ready = await firstJsonLine(cli.child);
  endpoint = (ready.pools as Record<string, string>).recpool!;
  const { stdout } = await run(process.execPath, [BIN, 'token', '--data-dir', join(dir, 'data'), '--output', 'tsv']);
  token = stdout.trim();
});

afterAll(async () => {
  if (cli && cli.child.exitCode === null) {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sessionite requests against sessionite start', () => {
  it('lists, shows and replays what the running emulator recorded, with the token redacted', async () => {
    const response = await fetch(`${endpoint}/hello?identifier=cli-rec-1`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'hi' });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Record<string, unknown>;
    const list = JSON.parse(await requests('list', '--pool', 'recpool')) as RequestListResponse;
    const summary = list.items.find((s) => s.target === '/hello')!;
    expect(summary).toMatchObject({ kind: 'data', status: 200, identifier: 'cli-rec-1' });
    // `sessionite token` went through the token route: recorded too, its secret and token redacted.
    const tokens = JSON.parse(await requests('list', '--kind', 'token')) as RequestListResponse;
    expect(tokens.items.map((s) => s.status)).toEqual([200]);
    const record = JSON.parse(await requests('show', summary.id)) as ExchangeRecord;
    expect(record.requestHeaders.authorization).toBe('Bearer [REDACTED]');
    expect(JSON.stringify(record)).not.toContain(token.split('.')[1]);
    const replay = JSON.parse(await requests('replay', summary.id)) as ReplayResult;
    expect(replay.replay).toMatchObject({ status: 200, replayOf: summary.id });
    expect(JSON.parse(replay.replay!.responseBody.data)).toEqual(answer);
    expect(await requests('list', '--output', 'table', '--limit', '1')).toMatch(new RegExp(`replay of #${summary.id}`));
  });
});
