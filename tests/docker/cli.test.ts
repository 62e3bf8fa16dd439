import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../emulator/pool/context.js';
import { firstJsonLine, runCli, type CliProcess } from '../support/cli-process.js';
import { dockerLines as docker, reapedAfterRestart } from '../support/docker-cli.js';
import { ensureEchoImage } from '../support/images.js';

let image: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  image = await ensureEchoImage();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


function containersOf(instance: string): string[] {
  return docker('ps', '-aq', '--filter', `label=${LABELS.instance}=${instance}`);
}

function networksOf(instance: string): string[] {
  return docker('network', 'ls', '-q', '--filter', `label=${LABELS.instance}=${instance}`);
}

async function workspace(config: string): Promise<{ dir: string; configPath: string; dataDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sessionite-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const configPath = join(dir, 'sessionite.yaml');
  await writeFile(configPath, config);
  return { dir, configPath, dataDir: join(dir, 'data') };
}

function poolConfig(name: string, extra = ''): string {
  return `pools:
  - name: ${name}
    properties:
      scaleConfiguration: { maxConcurrentSessions: 5, readySessionInstances: 1 }
      customContainerTemplate:
        containers: [{ name: main, image: "${image}" }]
        ingress: { targetPort: 8080 }
${extra}`;
}

function start(configPath: string, dataDir: string, extra: string[] = []): CliProcess {
  const cli = runCli(['start', '--config', configPath, '--port', '0', '--data-dir', dataDir, ...extra]);
  cleanups.push(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
  return cli;
}

async function instanceOf(dataDir: string): Promise<string> {
  return (JSON.parse(await readFile(join(dataDir, 'emulator.json'), 'utf8')) as { instanceId: string }).instanceId;
}

describe('sessionite start', () => {
  it('prints one JSON ready line, serves the pool, and cleans up on SIGTERM', async () => {
    const { configPath, dataDir } = await workspace(poolConfig('clipool'));
    const cli = start(configPath, dataDir);
    const ready = await firstJsonLine(cli.child);
    expect(ready.event).toBe('ready');
    expect(ready.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const endpoint = (ready.pools as Record<string, string>).clipool;
    expect(endpoint).toBe(
      `${String(ready.http)}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sessionite/sessionPools/clipool`,
    );
    expect(ready.https).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(String(ready.ca)).toContain(dataDir);
    expect(ready.managedIdentity).toMatchObject({ endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/msi\//) as string });
    expect((await fetch(`${String(ready.http)}/healthz`)).status).toBe(200);
    // The default auth mode wants a bearer token, as the real pool does.
    const anonymous = await fetch(`${endpoint}/hello?identifier=cli-user-1`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const tokenCli = runCli(['token', '--data-dir', dataDir, '--output', 'tsv']);
    const token = await new Promise<string>((resolve) => {
      let out = '';
      tokenCli.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      tokenCli.child.stdout!.on('end', () => resolve(out.trim()));
    });
    expect(await tokenCli.exited).toBe(0);
    expect(token.split('.')).toHaveLength(3);
    const response = await fetch(`${endpoint}/hello?identifier=cli-user-1`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const instance = await instanceOf(dataDir);
    expect(containersOf(instance).length).toBeGreaterThan(0);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(containersOf(instance)).toEqual([]);
    expect(networksOf(instance)).toEqual([]);
  });

  it('refuses an invalid config, naming the pool, the field and the rule, and starts nothing', async () => {
    const bad = poolConfig('badpool').replace('readySessionInstances: 1', 'readySessionInstances: 9');
    const { configPath, dataDir } = await workspace(bad);
    const cli = start(configPath, dataDir);
    expect(await cli.exited).not.toBe(0);
    const stderr = cli.stderr.join('\n');
    expect(stderr).toContain("pool 'badpool'");
    expect(stderr).toContain('readySessionInstances');
    expect(stderr).toMatch(/less than|maxConcurrentSessions/);
    expect(docker('ps', '-aq', '--filter', `label=${LABELS.pool}=badpool`)).toEqual([]);
  });

  it('reaps the containers of a run killed with -9 when it starts again', async () => {
    const { configPath, dataDir } = await workspace(poolConfig('orphans'));
    const first = start(configPath, dataDir, ['--auth', 'off']);
    const ready = await firstJsonLine(first.child);
    const endpoint = (ready.pools as Record<string, string>).orphans;
    expect((await fetch(`${endpoint}/?identifier=orphan-user`, { signal: AbortSignal.timeout(30_000) })).status).toBe(200);
    const oldInstance = await instanceOf(dataDir);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(containersOf(oldInstance).length).toBeGreaterThan(0);

    const second = start(configPath, dataDir, ['--auth', 'off']);
    await firstJsonLine(second.child);
    await reapedAfterRestart(second, oldInstance, 40_000);
    expect(containersOf(oldInstance)).toEqual([]);
    expect(networksOf(oldInstance)).toEqual([]);
  });
});
