import { afterEach, describe, expect, it } from 'vitest';
import { FakeRuntime } from '../support/fake-runtime.js';
import { json, startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function setup() {
  const runtime = new FakeRuntime();
  harness = await startEmulator({ pools: [testPool('p1', 'img:1')], runtime });
  return { runtime, h: harness };
}

describe('forwarding to the session', () => {
  it('forwards method, path, query and body; drops Authorization; sets X-Forwarded-*', async () => {
    const { h } = await setup();
    const response = await fetch(h.url('p1', '/api/run', 'user-1') + '&x=1', {
      method: 'PUT',
      headers: { authorization: 'Bearer secret-token-value', 'x-custom': 'kept', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(200);
    const seen = await json(response);
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/api/run?identifier=user-1&x=1');
    expect(seen.body).toBe('hello');
    const headers = seen.headers as Record<string, string>;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-custom']).toBe('kept');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(headers['x-forwarded-prefix']).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sessionite/sessionPools/p1',
    );
    expect(JSON.stringify(seen)).not.toContain('secret-token-value');
  });

  it('passes repeated response headers on one by one, in order', async () => {
    const { h } = await setup();
    const response = await fetch(h.url('p1', '/repeated-headers', 'user-1'));
    expect(await response.text()).toBe('repeated');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('x-multi')).toBe('one, two');
  });

  it('answers with the final response when the session sends an informational one first', async () => {
    const { h } = await setup();
    const response = await fetch(h.url('p1', '/early-hints', 'user-1'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('final answer');
  });

  it('accepts percent-encoded and raw identifiers as the same session', async () => {
    const { h } = await setup();
    const base = h.url('p1', '/');
    const encoded = await json(await fetch(`${base}?identifier=${encodeURIComponent('a|b{c}')}`));
    const raw = await json(await fetch(`${base}?identifier=a|b{c}`));
    expect(raw.container).toBe(encoded.container);
  });

  it.each([
    ['missing', '', "'identifier' is required"],
    ['too short', 'identifier=abc', '4 to 128'],
    ['bad characters', 'identifier=has%20space', 'only letters'],
  ])('rejects a %s identifier with 400 in Azure format', async (_name, query, message) => {
    const { runtime, h } = await setup();
    await until(h.emulator, () => h.emulator.getPool('p1')?.counts().ready === 1, 'ready session');
    const before = runtime.started.length;
    const response = await fetch(`${h.url('p1', '/x')}?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-ms-error-code')).toBe('SessionRequestValidationFailed');
    const body = await json(response);
    expect(body.error).toMatchObject({ code: 'SessionRequestValidationFailed', target: 'identifier' });
    expect((body.error as { message: string }).message).toContain(message);
    expect(typeof body.traceId).toBe('string');
    expect(runtime.started.length).toBe(before);
  });

  it('answers 404 SessionPoolNotFound for unknown pools and other resource groups', async () => {
    const { h } = await setup();
    const unknown = await fetch(h.url('p1', '/', 'user-1').replace('/sessionPools/p1', '/sessionPools/nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-ms-error-code')).toBe('SessionPoolNotFound');
    const otherRg = await fetch(h.url('p1', '/', 'user-1').replace('/resourceGroups/sessionite', '/resourceGroups/other'));
    expect(otherRg.status).toBe(404);
  });

  it('answers unknown routes in Azure format', async () => {
    const { h } = await setup();
    const response = await fetch(`${h.emulator.httpUrl}/nothing/here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-ms-error-code')).toBe('NotFound');
  });
});

describe('health and engine outages', () => {
  it('serves /healthz and /readyz', async () => {
    const { h } = await setup();
    const live = await fetch(`${h.emulator.httpUrl}/healthz`);
    expect(live.status).toBe(200);
    const ready = await json(await fetch(`${h.emulator.httpUrl}/readyz`));
    expect(ready).toMatchObject({ ok: true, runtime: 'available' });
  });

  it('answers 503 while the engine is down and recovers by itself', async () => {
    const { runtime, h } = await setup();
    const down = h.emulator.events.waitFor('runtime.unavailable');
    runtime.goDown();
    await down;
    const response = await fetch(h.url('p1', '/', 'user-1'));
    expect(response.status).toBe(503);
    expect(response.headers.get('x-ms-error-code')).toBe('ContainerRuntimeUnavailable');
    expect((await fetch(`${h.emulator.httpUrl}/readyz`)).status).toBe(503);
    const back = h.emulator.events.waitFor('runtime.available');
    runtime.up();
    await back;
    await until(h.emulator, () => (h.emulator.getPool('p1')?.counts().ready ?? 0) > 0, 'ready again');
    expect((await fetch(h.url('p1', '/', 'user-1'))).status).toBe(200);
  });

  it('removes every container on stop', async () => {
    const { runtime, h } = await setup();
    await fetch(h.url('p1', '/', 'user-1'));
    await fetch(h.url('p1', '/', 'user-2'));
    expect(runtime.containers.size).toBeGreaterThan(0);
    await h.stop();
    harness = undefined;
    expect(runtime.containers.size).toBe(0);
  });
});
