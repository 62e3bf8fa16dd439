import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetCommand } from '../../emulator/cli/pool-reset.js';
import { poolCommand } from '../../emulator/cli/pool.js';
import type { CliIo } from '../../emulator/cli/pool-output.js';
import { sessionCommand } from '../../emulator/cli/session.js';
import { writeInstanceFile } from '../../emulator/host/instance-file.js';
import { startArm, type ArmHarness } from '../arm/support.js';

/**
 * The az-style CLI against a running emulator in strict auth mode, end to end: it finds the emulator
 * through the data folder's emulator.json, gets tokens from the emulator's token service over HTTPS
 * (ARM audience for pools, dynamicsessions.io for sessions), and drives ARM and the data plane.
 */
interface Run {
  code: number;
  out: string;
  err: string;
}

function capture(): { io: CliIo; result: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return {
    io: { out: (text) => (out += text), err: (text) => (err += text) },
    result: () => ({ out, err }),
  };
}

let h: ArmHarness;

async function pool(...argv: string[]): Promise<Run> {
  const { io, result } = capture();
  const code = await poolCommand([...argv, '--data-dir', h.dataDir], io);
  return { code, ...result() };
}

async function session(...argv: string[]): Promise<Run> {
  const { io, result } = capture();
  const code = await sessionCommand([...argv, '--data-dir', h.dataDir], io);
  return { code, ...result() };
}

function json(run: Run): Record<string, unknown> {
  return JSON.parse(run.out) as Record<string, unknown>;
}

beforeAll(async () => {
  // The ARM routes use the emulator's own identity (no stand-in authorizer), in strict mode.
  h = await startArm({ auth: { mode: 'strict' }, arm: { authorize: undefined, retryAfterSeconds: 0 } });
});
afterAll(async () => {
  await h.stop();
});

describe('sessionite pool', () => {
  it('create takes the az flags and prints the pool once it is ready', async () => {
    const run = await pool(
      'create', '-n', 'cli-pool', '--image', 'private.example/app:1', '--target-port', '8080',
      '--cpu', '0.5', '--memory', '1Gi', '--cooldown-period', '600', '--max-sessions', '4', '--ready-sessions', '1',
      '--network-status', 'EgressEnabled', '--env-vars', 'MODE=test', 'API_KEY=secretref:api-key',
      '--secrets', 'api-key=cli-secret-value', '--command', '/bin/server', '--args', '-c', 'serve',
      '--registry-server', 'private.example', '--registry-username', 'robot', '--registry-password', 'cli-registry-pass',
      '--mi-system-assigned', '--tags', 'team=cli',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const shown = json(run);
    expect(shown).toMatchObject({
      name: 'cli-pool',
      tags: { team: 'cli' },
      identity: { type: 'SystemAssigned' },
      properties: {
        provisioningState: 'Succeeded',
        scaleConfiguration: { maxConcurrentSessions: 4, readySessionInstances: 1 },
        dynamicPoolConfiguration: { lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 600 } },
        sessionNetworkConfiguration: { status: 'EgressEnabled' },
        secrets: [{ name: 'api-key' }, { name: 'privateexample-robot' }],
        customContainerTemplate: {
          registryCredentials: { server: 'private.example', username: 'robot', passwordSecretRef: 'privateexample-robot' },
          containers: [
            {
              name: 'cli-pool',
              image: 'private.example/app:1',
              command: ['/bin/server'],
              args: ['-c', 'serve'],
              env: [{ name: 'MODE', value: 'test' }, { name: 'API_KEY', secretRef: 'api-key' }],
              resources: { cpu: 0.5, memory: '1Gi' },
            },
          ],
        },
      },
    });
    expect(run.out).not.toContain('cli-secret-value');
    expect(run.out).not.toContain('cli-registry-pass');
    const spec = h.emulator.getPool('cli-pool')?.spec;
    expect(spec?.container.env.API_KEY).toBe('cli-secret-value');
    expect(spec?.registry?.password).toBe('cli-registry-pass');
  });

  it('show and list print JSON, or a table for people', async () => {
    const table = await pool('show', '-n', 'cli-pool', '-o', 'table');
    expect(table.code).toBe(0);
    const [header, rule, row] = table.out.split('\n');
    expect(header).toMatch(/^Name\s+ResourceGroup\s+Location\s+ProvisioningState\s+Image\s+Ready\s+Max\s+Endpoint$/);
    expect(rule).toMatch(/^-+\s+-+/);
    expect(row).toMatch(/^cli-pool\s+sessionite\s+local\s+Succeeded\s+private\.example\/app:1\s+1\s+4\s+https:\/\//);
    const all = await pool('list');
    expect((JSON.parse(all.out) as { name: string }[]).map((p) => p.name)).toEqual(['cli-pool']);
    const none = await pool('list', '-g', 'elsewhere');
    expect(JSON.parse(none.out)).toEqual([]);
    const tsv = await pool('list', '-o', 'tsv');
    expect(tsv.out.split('\t')[0]).toBe('cli-pool');
  });

  it('update sends only what changed and keeps the secrets', async () => {
    const run = await pool('update', '-n', 'cli-pool', '--image', 'private.example/app:2', '--ready-sessions', '2', '--secrets', 'extra=more');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({
      properties: {
        scaleConfiguration: { maxConcurrentSessions: 4, readySessionInstances: 2 },
        secrets: [{ name: 'api-key' }, { name: 'privateexample-robot' }, { name: 'extra' }],
        customContainerTemplate: { containers: [{ image: 'private.example/app:2', resources: { cpu: 0.5, memory: '1Gi' } }] },
      },
    });
    const spec = h.emulator.getPool('cli-pool')?.spec;
    expect(spec?.container.env.API_KEY).toBe('cli-secret-value');
    expect(spec?.registry?.password).toBe('cli-registry-pass');
    const lifecycle = await pool('update', '-n', 'cli-pool', '--lifecycle-type', 'OnContainerExit', '--max-alive-period', '900');
    expect(lifecycle.code).toBe(0);
    expect(h.emulator.getPool('cli-pool')?.spec.lifecycle).toEqual({ type: 'OnContainerExit', maxAliveMs: 900_000 });
  });

  it("exits 1 with the service's error message", async () => {
    const run = await pool('create', '-n', 'bad-pool', '--image', 'img:1', '--target-port', '80', '--max-sessions', '3', '--ready-sessions', '3');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^ERROR: \(SessionPoolInvalidReadySessionInstances\) properties\.scaleConfiguration\.readySessionInstances must be at least 1/);
    expect(h.emulator.getPool('bad-pool')).toBeUndefined();
    const several = await pool('create', '-n', 'bad-pool', '--image', 'img:1', '--cpu', '9');
    expect(several.code).toBe(1);
    expect(several.err).toContain('ERROR: (MultipleErrorsOccurred)');
    expect(several.err).toContain('  (MissingRequiredParameter) properties.customContainerTemplate.ingress.targetPort is required');
    const missing = await pool('show', '-n', 'nope-pool');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ERROR: (ResourceNotFound)');
    const unsupported = await pool('create', '-n', 'py-pool', '--container-type', 'PythonLTS');
    expect(unsupported.err).toContain('(SessionPoolFeatureNotSupported)');
    expect(unsupported.err).toContain('not supported yet');
  });

  it('exits 2 on usage mistakes, and prints help', async () => {
    expect((await pool('create', '--image', 'x')).err).toContain("option '--name' is required");
    expect((await pool('create', '-n', 'x', '--bogus', '1')).code).toBe(2);
    expect((await pool('create', '-n', 'xyz', '--env-vars', 'NOVALUE')).err).toContain("'--env-vars' takes key=value pairs");
    expect((await pool('frobnicate')).code).toBe(2);
    const help = await pool('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sessionite pool');
  });

  it('--endpoint reaches an emulator without its data folder, over HTTPS with --ca or plain HTTP', async () => {
    for (const argv of [
      ['--endpoint', h.emulator.httpsUrl ?? '', '--ca', h.emulator.identity.tls.caPath ?? ''],
      ['--endpoint', h.base],
    ]) {
      const { io, result } = capture();
      const code = await poolCommand(['show', '-n', 'cli-pool', ...argv], io);
      expect(result().err).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(result().out)).toMatchObject({ name: 'cli-pool' });
    }
  });

  it('a bad token is refused by the emulator', async () => {
    const run = await pool('show', '-n', 'cli-pool', '--token', 'not-a-token');
    expect(run.code).toBe(1);
    expect(run.err).toContain('(InvalidAuthenticationToken)');
  });
});

describe('sessionite session', () => {
  it('lists, shows and stops sessions through the pool management endpoint', async () => {
    const created = await pool('create', '-n', 'sess-pool', '--image', 'img:1', '--target-port', '8080', '--max-sessions', '3', '--ready-sessions', '1');
    expect(created.code).toBe(0);
    const token = await h.emulator.identity.issueToken({ resource: 'https://dynamicsessions.io' });
    const endpoint = `${h.base}${new URL(h.emulator.poolEndpoint('sess-pool')).pathname}`;
    const reached = await fetch(`${endpoint}/work?identifier=user-42`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(reached.status).toBe(200);

    const listed = await session('list', '-n', 'sess-pool');
    expect(listed.err).toBe('');
    expect((JSON.parse(listed.out) as { identifier: string }[]).map((s) => s.identifier)).toEqual(['user-42']);
    const table = await session('list', '-n', 'sess-pool', '-o', 'table');
    expect(table.out).toMatch(/^Identifier\s+CreatedAt\s+LastAccessedAt\s+ExpiresAt\n/);
    const shown = await session('show', '-n', 'sess-pool', '--identifier', 'user-42');
    expect(json(shown)).toMatchObject({ identifier: 'user-42' });
    const stopped = await session('stop', '-n', 'sess-pool', '--identifier', 'user-42');
    expect(stopped.code).toBe(0);
    expect(stopped.out).toBe('Session user-42 in session pool sess-pool stopped.\n');
    const gone = await session('show', '-n', 'sess-pool', '--identifier', 'user-42');
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('ERROR: (SessionNotFound)');
    expect((await session('show', '-n', 'sess-pool')).err).toContain("option '--identifier' is required");
  });
});

describe('sessionite pool delete and reset', () => {
  it('delete waits for the pool to go', async () => {
    const run = await pool('delete', '-n', 'sess-pool', '--yes');
    expect(run.code).toBe(0);
    expect(run.out).toBe('');
    expect(h.emulator.getPool('sess-pool')).toBeUndefined();
  });

  it('reset refuses while an emulator uses the folder', async () => {
    const busy = await mkdtemp(join(tmpdir(), 'sessionite-cli-busy-'));
    // A live process other than this one (the test runner's parent) holds the folder.
    await writeInstanceFile(busy, { instanceId: 'other', pid: process.ppid, host: hostname(), startedAt: new Date().toISOString() });
    const { io, result } = capture();
    expect(await resetCommand(['--data-dir', busy], io)).toBe(1);
    expect(result().err).toContain('stop it first');
    await rm(busy, { recursive: true, force: true });
  });

  it('without a running emulator the CLI says how to start one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sessionite-cli-none-'));
    const { io, result } = capture();
    const code = await poolCommand(['list', '--data-dir', empty], io);
    expect(code).toBe(1);
    expect(result().err).toContain("no running emulator uses the data folder");
    const reset = await resetCommand(['--data-dir', empty], io);
    expect(reset).toBe(0);
    expect(result().out).toContain('No stored pools.');
    await rm(empty, { recursive: true, force: true });
  });
});
