import { afterEach, describe, expect, it } from 'vitest';
import { readyCount, until } from '../support/harness.js';
import { SUB, poolBody, properties, startArm, type ArmHarness } from './support.js';

let h: ArmHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const OPERATION_URL = /^http:\/\/127\.0\.0\.1:\d+\/subscriptions\/0{8}-(0{4}-){3}0{12}\/providers\/Microsoft\.App\/locations\/westeurope\/sessionPoolOperation(Statuses|Results)\/[0-9a-f-]{36}\?api-version=2025-07-01$/;

describe('PUT create', () => {
  it('answers 201 InProgress with an absolute Azure-AsyncOperation that moves to Succeeded once sessions are ready', async () => {
    h = await startArm();
    h.runtime.holdStarts = true;
    const created = await h.request('PUT', h.poolPath('pool1'), { body: poolBody() });
    expect(created.status).toBe(201);
    expect(properties(created.body).provisioningState).toBe('InProgress');
    expect(created.headers.get('retry-after')).toBe('1');
    const statusUrl = created.headers.get('azure-asyncoperation') ?? '';
    expect(statusUrl).toMatch(OPERATION_URL);
    expect(statusUrl.startsWith(h.base)).toBe(true);

    const running = await h.request('GET', new URL(statusUrl).pathname + '?', {});
    expect(running.body).toMatchObject({ status: 'InProgress' });
    expect(running.body.endTime).toBeUndefined();
    expect((await h.request('GET', h.poolPath('pool1'))).body).toMatchObject({ properties: { provisioningState: 'InProgress' } });

    h.runtime.releaseStarts();
    const done = await h.settle(statusUrl);
    expect(done.body).toMatchObject({ status: 'Succeeded', id: new URL(statusUrl).pathname });
    expect(typeof done.body.name).toBe('string');
    expect(typeof done.body.startTime).toBe('string');
    expect(typeof done.body.endTime).toBe('string');
    expect(readyCount(h.emulator, 'pool1')).toBe(1);
    const shown = await h.request('GET', h.poolPath('pool1'));
    expect(properties(shown.body)).toMatchObject({
      provisioningState: 'Succeeded',
      poolManagementEndpoint: h.emulator.poolEndpoint('pool1', 'https'),
    });
  });

  it('polling URLs point back at the origin the request came in on', async () => {
    h = await startArm();
    const port = new URL(h.base).port;
    const response = await fetch(`http://localhost:${port}${h.poolPath('pool1')}?api-version=2025-07-01`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: JSON.stringify(poolBody()),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('azure-asyncoperation')).toMatch(new RegExp(`^http://localhost:${port}/subscriptions/`));
  });

  it('fails the operation with the pull error when the image cannot be pulled', async () => {
    h = await startArm();
    h.runtime.missingImages.add('ghcr.io/nope/missing:1');
    const body = poolBody({
      properties: {
        customContainerTemplate: { containers: [{ image: 'ghcr.io/nope/missing:1' }], ingress: { targetPort: 80 } },
      },
    });
    const created = await h.request('PUT', h.poolPath('pool1'), { body });
    expect(created.status).toBe(201);
    const done = await h.settle(created.headers.get('azure-asyncoperation') ?? '');
    expect(done.body).toMatchObject({ status: 'Failed', error: { code: 'ImagePullFailed' } });
    expect((done.body.error as { message: string }).message).toContain('pull access denied for ghcr.io/nope/missing:1');
    expect(properties((await h.request('GET', h.poolPath('pool1'))).body).provisioningState).toBe('Failed');
  });

  it('fails the operation when the ready sessions cannot start', async () => {
    h = await startArm();
    h.runtime.failStarts = true;
    const created = await h.request('PUT', h.poolPath('pool1'), { body: poolBody() });
    const done = await h.settle(created.headers.get('azure-asyncoperation') ?? '');
    expect(done.body).toMatchObject({ status: 'Failed', error: { code: 'SessionStartFailed' } });
    expect(String((done.body.error as { message: string }).message)).toContain('fake start failure');
  });
});

describe('operation timeout', () => {
  it('a create whose sessions never become ready fails with OperationTimedOut', async () => {
    h = await startArm({ arm: { operationTimeoutMs: 200 } });
    h.runtime.holdStarts = true;
    const created = await h.request('PUT', h.poolPath('pool1'), { body: poolBody() });
    const done = await h.settle(created.headers.get('azure-asyncoperation') ?? '');
    expect(done.body).toMatchObject({ status: 'Failed', error: { code: 'OperationTimedOut' } });
    expect(properties((await h.request('GET', h.poolPath('pool1'))).body).provisioningState).toBe('Failed');
    h.runtime.releaseStarts();
  });
});

describe('PUT on an existing pool', () => {
  it('replaces the template: 200 InProgress + Azure-AsyncOperation, ready sessions of the old template are replaced', async () => {
    h = await startArm();
    await h.createPool('pool1');
    const before = h.runtime.started.length;
    const body = poolBody({ properties: { customContainerTemplate: { containers: [{ image: 'img:2' }], ingress: { targetPort: 8080 } } } });
    const replaced = await h.request('PUT', h.poolPath('pool1'), { body });
    expect(replaced.status).toBe(200);
    expect(properties(replaced.body).provisioningState).toBe('InProgress');
    const done = await h.settle(replaced.headers.get('azure-asyncoperation') ?? '');
    expect(done.body.status).toBe('Succeeded');
    expect(h.runtime.started.slice(before).map((spec) => spec.image)).toEqual(['img:2']);
    expect(h.emulator.getPool('pool1')?.spec.container.image).toBe('img:2');
  });

  it('an identical PUT (idempotent redeploy) answers 200 Succeeded and restarts nothing', async () => {
    h = await startArm();
    await h.createPool('pool1');
    const started = h.runtime.started.length;
    const generation = h.emulator.getPool('pool1')?.generation;
    const again = await h.request('PUT', h.poolPath('pool1'), { body: poolBody() });
    expect(again.status).toBe(200);
    expect(again.headers.get('azure-asyncoperation')).toBeNull();
    expect(properties(again.body).provisioningState).toBe('Succeeded');
    expect(h.emulator.getPool('pool1')?.generation).toBe(generation);
    expect(h.runtime.started.length).toBe(started);
  });

  it('a tag-only change is stored without touching the sessions', async () => {
    h = await startArm();
    await h.createPool('pool1');
    const started = h.runtime.started.length;
    const tagged = await h.request('PUT', h.poolPath('pool1'), { body: poolBody({ tags: { team: 'a' } }) });
    expect(tagged.status).toBe(200);
    expect(tagged.body.tags).toEqual({ team: 'a' });
    expect(h.runtime.started.length).toBe(started);
  });
});

describe('PATCH', () => {
  it('merges, answers 202 with Location and Azure-AsyncOperation, and the Location URL ends in 200 with the pool', async () => {
    h = await startArm();
    await h.createPool('pool1');
    h.runtime.holdStarts = true;
    const patched = await h.request('PATCH', h.poolPath('pool1'), {
      body: { properties: { scaleConfiguration: { readySessionInstances: 2 }, customContainerTemplate: { containers: [{ image: 'img:3' }] } } },
    });
    expect(patched.status).toBe(202);
    expect(patched.text).toBe('');
    expect(patched.headers.get('retry-after')).toBe('1');
    const location = patched.headers.get('location') ?? '';
    expect(location).toMatch(OPERATION_URL);
    expect(patched.headers.get('azure-asyncoperation')).toMatch(OPERATION_URL);
    const pending = await h.request('GET', new URL(location).pathname);
    expect(pending.status).toBe(202);
    expect(pending.headers.get('location')).toBe(location);
    h.runtime.releaseStarts();
    const done = await h.settle(location);
    expect(done.status).toBe(200);
    expect(properties(done.body)).toMatchObject({
      provisioningState: 'Succeeded',
      scaleConfiguration: { maxConcurrentSessions: 5, readySessionInstances: 2 },
      customContainerTemplate: { containers: [{ image: 'img:3', resources: { cpu: 0.25, memory: '0.5Gi' } }] },
    });
    // Unpatched siblings survive the merge.
    expect(properties(done.body).sessionNetworkConfiguration).toEqual({ status: 'EgressDisabled' });
  });

  it('switching lifecycleType drops the other type’s field', async () => {
    h = await startArm();
    await h.createPool('pool1');
    const patched = await h.request('PATCH', h.poolPath('pool1'), {
      body: { properties: { dynamicPoolConfiguration: { lifecycleConfiguration: { lifecycleType: 'OnContainerExit' } } } },
    });
    expect(patched.status).toBe(202);
    await h.settle(patched.headers.get('location') ?? '');
    const shown = await h.request('GET', h.poolPath('pool1'));
    expect(properties(shown.body).dynamicPoolConfiguration).toEqual({
      lifecycleConfiguration: { lifecycleType: 'OnContainerExit', maxAlivePeriodInSeconds: 3600 },
    });
  });

  it('a PATCH that changes nothing answers 200 with the pool', async () => {
    h = await startArm();
    await h.createPool('pool1');
    const patched = await h.request('PATCH', h.poolPath('pool1'), { body: { properties: {} } });
    expect(patched.status).toBe(200);
    expect(properties(patched.body).provisioningState).toBe('Succeeded');
  });

  it('a PATCH on a missing pool is 404 ResourceNotFound', async () => {
    h = await startArm();
    const patched = await h.request('PATCH', h.poolPath('nope'), { body: { tags: {} } });
    expect(patched.status).toBe(404);
    expect(patched.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
  });
});

describe('DELETE', () => {
  it('answers 202 + Location; the pool and its containers are gone when the Location URL says 204', async () => {
    h = await startArm();
    await h.createPool('pool1');
    expect(h.runtime.running().length).toBeGreaterThan(0);
    const deleted = await h.request('DELETE', h.poolPath('pool1'));
    expect(deleted.status).toBe(202);
    expect(deleted.headers.get('location')).toMatch(OPERATION_URL);
    expect(deleted.headers.get('retry-after')).toBe('1');
    const done = await h.settle(deleted.headers.get('location') ?? '');
    expect(done.status).toBe(204);
    const status = await h.settle(deleted.headers.get('azure-asyncoperation') ?? '');
    expect(status.body.status).toBe('Succeeded');
    expect(h.emulator.getPool('pool1')).toBeUndefined();
    expect(h.runtime.running()).toHaveLength(0);
    expect((await h.request('GET', h.poolPath('pool1'))).status).toBe(404);
  });

  it('deleting a pool that does not exist is 204', async () => {
    h = await startArm();
    expect((await h.request('DELETE', h.poolPath('nope'))).status).toBe(204);
  });

  it('a create still running when its pool is deleted ends Canceled', async () => {
    h = await startArm();
    h.runtime.holdStarts = true;
    const created = await h.request('PUT', h.poolPath('pool1'), { body: poolBody() });
    await h.request('DELETE', h.poolPath('pool1'));
    h.runtime.releaseStarts();
    const done = await h.settle(created.headers.get('azure-asyncoperation') ?? '');
    expect(done.body).toMatchObject({ status: 'Canceled', error: { code: 'OperationCanceled' } });
  });
});

describe('lists and reads', () => {
  it('lists by resource group and by subscription as {"value":[…]}', async () => {
    h = await startArm();
    await h.createPool('alpha');
    await h.request('PUT', h.poolPath('bravo', 'other-rg'), { body: poolBody() });
    const inGroup = await h.request('GET', `/subscriptions/${SUB}/resourceGroups/sessionite/providers/Microsoft.App/sessionPools`);
    expect(inGroup.status).toBe(200);
    expect((inGroup.body.value as { name: string }[]).map((p) => p.name)).toEqual(['alpha']);
    const all = await h.request('GET', `/subscriptions/${SUB}/providers/Microsoft.App/sessionPools`);
    expect((all.body.value as { name: string; id: string }[]).map((p) => p.id)).toEqual([
      `/subscriptions/${SUB}/resourceGroups/sessionite/providers/Microsoft.App/sessionPools/alpha`,
      `/subscriptions/${SUB}/resourceGroups/other-rg/providers/Microsoft.App/sessionPools/bravo`,
    ]);
    const otherSub = await h.request('GET', '/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.App/sessionPools');
    expect(otherSub.body).toEqual({ value: [] });
  });

  it('matches the fixed path segments case-insensitively, as ARM does', async () => {
    h = await startArm();
    await h.createPool('pool1');
    const shown = await h.request('GET', `/SUBSCRIPTIONS/${SUB}/resourcegroups/SESSIONITE/providers/microsoft.app/sessionpools/pool1`);
    expect(shown.status).toBe(200);
  });

  it('a pool of another resource group is not found here, and its name cannot be reused', async () => {
    h = await startArm();
    await h.createPool('pool1');
    expect((await h.request('GET', h.poolPath('pool1', 'other-rg'))).status).toBe(404);
    const clash = await h.request('PUT', h.poolPath('pool1', 'other-rg'), { body: poolBody() });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ error: { code: 'SessionPoolNameNotAvailable', target: 'name' } });
  });

  it('after create, a data-plane request to poolManagementEndpoint reaches a session', async () => {
    h = await startArm();
    const created = await h.createPool('pool1');
    const endpoint = new URL(String(properties(created.body).poolManagementEndpoint));
    expect(endpoint.origin).toBe(h.emulator.httpsUrl);
    // Same path on the plain-HTTP listener (the HTTPS one is covered by the SDK contract test).
    const response = await fetch(`${h.base}${endpoint.pathname}/hello?identifier=user-1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ url: '/hello?identifier=user-1' });
    await until(h.emulator, () => h?.emulator.getPool('pool1')?.counts().allocated === 1, 'allocation');
  });
});
