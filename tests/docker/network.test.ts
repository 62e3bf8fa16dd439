import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../emulator/runtime/docker.js';
import { createOutsideWorld, outsideWorldUnavailable, type OutsideWorld } from '../runtime/outside-world.js';
import { ensureEchoImage } from '../support/images.js';
import { json, startEmulator, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

/**
 * What a session can reach, end to end through the emulator: the outside world only with egress,
 * never another session, never the emulator's own routes, and its pool's managed identity even
 * without egress.
 */
const unavailable = outsideWorldUnavailable();
let harness: Harness;
let world: OutsideWorld | undefined;

const withIdentity = { managedIdentityInSessions: true };

beforeAll(async () => {
  const image = await ensureEchoImage();
  if (!unavailable) world = await createOutsideWorld();
  harness = await startEmulator({
    runtime: new DockerRuntime(),
    // Listening on all interfaces is what makes the emulator reachable from the bridge at all.
    host: '0.0.0.0',
    pools: [
      testPool('closed', image, { egress: false, ...withIdentity }),
      testPool('open', image, { egress: true }),
      testPool('other', image, { egress: false, ...withIdentity }),
    ],
  });
});

afterAll(async () => {
  await harness?.stop();
  world?.close();
});

async function session(pool: string, identifier: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(harness.url(pool, path, identifier));
  expect(response.status).toBe(200);
  return json(response);
}

function gatewayOf(pool: string, identifier: string): string {
  const id = harness.emulator.getPool(pool)!.allSessions().find((s) => s.identifier === identifier)!.containerId!;
  return execFileSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}', id], {
    encoding: 'utf8',
  }).trim();
}

describe('session networking', () => {
  it.skipIf(unavailable)('reaches the outside world only with EgressEnabled', async () => {
    const target = `/egress?host=${world!.host}&port=${world!.port}`;
    expect(await session('open', 'net-open', target)).toMatchObject({ connected: true });
    expect(await session('closed', 'net-closed', target)).toMatchObject({ connected: false });
  });

  it('cannot reach another session', async () => {
    await session('closed', 'net-a', '/');
    await session('closed', 'net-b', '/');
    const b = harness.emulator.getPool('closed')!.allSessions().find((s) => s.identifier === 'net-b')!;
    expect(await session('closed', 'net-a', `/egress?host=${b.host}&port=${b.port}`)).toMatchObject({ connected: false });
  });

  it("cannot call the emulator's own routes through the bridge", async () => {
    await session('closed', 'net-c', '/');
    const port = new URL(harness.emulator.httpUrl).port;
    const probe = await session('closed', 'net-c', `/fetch?url=http://${gatewayOf('closed', 'net-c')}:${port}/healthz`);
    expect(probe.status).toBe(403);
    // Pool endpoints are matched before the other routes: the guard covers them too.
    const hop = new URL(harness.url('open', '/', 'net-hop'));
    hop.hostname = gatewayOf('closed', 'net-c');
    const forwarded = await session('closed', 'net-c', `/fetch?url=${encodeURIComponent(hop.toString())}`);
    expect(forwarded.status).toBe(403);
    expect(harness.emulator.getPool('open')!.view('net-hop')).toBeUndefined();
  });

  it('fetches its pool identity token from inside, with egress disabled', async () => {
    const env = (await session('closed', 'net-mi', '/env')) as Record<string, string>;
    expect(env.IDENTITY_ENDPOINT).toMatch(/^http:\/\/[\d.]+:\d+\/msi\/pools\/[0-9a-f]+\/token$/);
    const url = `${env.IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=https://dynamicsessions.io`;
    const got = await session('closed', 'net-mi', `/fetch?url=${encodeURIComponent(url)}&header=${encodeURIComponent(`X-IDENTITY-HEADER:${env.IDENTITY_HEADER}`)}`);
    expect(got.status).toBe(200);
    const body = JSON.parse(String(got.body)) as { access_token: string; expires_on: string; resource: string };
    expect(body.resource).toBe('https://dynamicsessions.io');
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    const verified = await harness.emulator.identity.verifyDataPlane(`Bearer ${body.access_token}`);
    expect(verified.ok).toBe(true);
    const wrong = await session('closed', 'net-mi', `/fetch?url=${encodeURIComponent(url)}&header=${encodeURIComponent('X-IDENTITY-HEADER:wrong')}`);
    expect(wrong.status).toBe(401);
  });

  it("cannot use another pool's identity, and pools without managed identity get none", async () => {
    const mine = (await session('other', 'net-other', '/env')) as Record<string, string>;
    const theirs = (await session('closed', 'net-mi2', '/env')) as Record<string, string>;
    expect(mine.IDENTITY_ENDPOINT).not.toBe(theirs.IDENTITY_ENDPOINT);
    const url = `${theirs.IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=https://dynamicsessions.io`;
    const stolen = await session('other', 'net-other', `/fetch?url=${encodeURIComponent(url)}&header=${encodeURIComponent(`X-IDENTITY-HEADER:${mine.IDENTITY_HEADER}`)}`);
    expect(stolen.status).toBe(401);
    const none = (await session('open', 'net-none', '/env')) as Record<string, string>;
    expect(none.IDENTITY_ENDPOINT).toBeUndefined();
    expect(none.IDENTITY_HEADER).toBeUndefined();
  });
});
