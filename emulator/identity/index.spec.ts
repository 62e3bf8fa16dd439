import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { createIdentity } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionite-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createIdentity', () => {
  it('keeps the signing key and the host identity secret across restarts', async () => {
    const clock = new ManualClock();
    const first = await createIdentity({ dataDir: dir, clock });
    const token = await first.issueToken({ resource: 'https://dynamicsessions.io/.default' });
    const second = await createIdentity({ dataDir: dir, clock, mode: 'strict' });
    expect(second.hostManagedIdentity).toEqual(first.hostManagedIdentity);
    expect(second.jwks()).toEqual(first.jwks());
    expect((await second.verifyDataPlane(`Bearer ${token.accessToken}`)).ok).toBe(true);
    expect((await stat(join(dir, 'identity', 'host-identity-header'))).mode & 0o777).toBe(0o600);
    expect(first.mode).toBe('basic');
  });

  it('issues tokens for the CLI and checks ARM audiences including its own origin', async () => {
    const id = await createIdentity({ dataDir: dir, clock: new ManualClock(), extraHostnames: ['dev.box'] });
    expect(id.tls.names).toContain('dev.box');
    const own = await id.issueToken({ resource: 'https://dev.box:8443', clientId: 'cli' });
    expect((await id.verifyArm(`Bearer ${own.accessToken}`, 'https://dev.box:8443')).ok).toBe(true);
    expect((await id.verifyArm(`Bearer ${own.accessToken}`, 'https://localhost:8443')).ok).toBe(false);
    await expect(id.issueToken({ resource: 'not a uri' })).rejects.toThrow(/not a valid resource/);
  });
});
