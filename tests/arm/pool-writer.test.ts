import { afterEach, describe, expect, it } from 'vitest';
import { poolBody, startArm, type ArmHarness } from './support.js';

/** The dashboard's pool writer goes through the same service as ARM. */
let h: ArmHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('arm.poolWriter (dashboard)', () => {
  it('creates, keeps secret values sent back without values, refuses immutable changes, and deletes', async () => {
    h = await startArm();
    const writer = h.arm.poolWriter(h.emulator);
    const body = poolBody({ properties: { secrets: [{ name: 'k', value: 'v1' }], customContainerTemplate: { containers: [{ image: 'img:1', env: [{ name: 'K', secretRef: 'k' }] }], ingress: { targetPort: 80 } } } });
    const created = await writer.put('gui-pool', body, { createOnly: true });
    expect(created).toMatchObject({ ok: true, created: true });
    expect(await writer.put('gui-pool', body, { createOnly: true })).toEqual({ ok: false, reason: 'exists' });

    const again = poolBody({ properties: { secrets: [{ name: 'k' }], customContainerTemplate: { containers: [{ image: 'img:2', env: [{ name: 'K', secretRef: 'k' }] }], ingress: { targetPort: 80 } } } });
    expect(await writer.put('gui-pool', again, { createOnly: false })).toMatchObject({ ok: true, created: false });
    expect(h.emulator.getPool('gui-pool')?.spec.container).toMatchObject({ image: 'img:2', env: { K: 'v1' } });

    const moved = await writer.put('gui-pool', poolBody({ properties: { containerType: 'NodeLTS' } }), { createOnly: false });
    expect(moved).toMatchObject({ ok: false, reason: 'invalid', issues: [{ path: 'properties.containerType' }] });
    const invalid = await writer.put('new-pool', poolBody({ properties: { scaleConfiguration: { maxConcurrentSessions: 1 } } }), { createOnly: false });
    expect(invalid).toMatchObject({ ok: false, reason: 'invalid', issues: [{ code: 'SessionPoolInvalidReadySessionInstances' }] });

    expect(await h.request('GET', h.poolPath('gui-pool'))).toMatchObject({ status: 200 });
    expect(await writer.delete('gui-pool')).toBe(true);
    expect(await writer.delete('gui-pool')).toBe(false);
  });
});
