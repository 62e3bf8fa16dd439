// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdminClient } from '../api/client.js';
import { ok } from '../api/result.js';
import { exchangeRecord, installFakes, poolSummary, recordSummary } from '../testing/fake-client.js';
import { useNavigationStore } from '../stores/navigation.js';
import { usePoolsStore } from '../stores/pools.js';
import { useRequestsStore } from '../stores/requests.js';
import RequestsView from './RequestsView.vue';

afterEach(() => vi.useRealTimers());

function mountAt(param: string | undefined, overrides: Partial<AdminClient> = {}) {
  const fakes = installFakes(overrides);
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  usePoolsStore(pinia).pools = [poolSummary('p1')];
  usePoolsStore(pinia).loaded = true;
  useNavigationStore(pinia).go('requests', param);
  const wrapper = mount(RequestsView, { global: { plugins: [pinia] }, attachTo: document.body });
  return { wrapper, pinia, ...fakes };
}

const recorderState = {
  enabled: true,
  records: 2,
  bytes: 4096,
  limits: { bodyCapBytes: 1, maxRecords: 1, maxBytes: 1, maxAgeMs: 1 },
};

describe('RequestsView', () => {
  it('says what brings recording while it is not mounted', async () => {
    const { wrapper } = mountAt(undefined);
    await flushPromises();
    expect(wrapper.text()).toContain('Request recording is not available yet');
    expect(wrapper.text()).toContain('request recording');
    wrapper.unmount();
  });

  it('sends from the composer through the API', async () => {
    const { wrapper, client } = mountAt('+compose', {
      send: vi.fn(async () =>
        ok({
          status: 200,
          headers: { 'x-sessionite-allocation': 'cold' },
          body: '{"a":1}',
          truncated: false,
          totalMs: 12,
        }),
      ),
    });
    await flushPromises();
    await wrapper.get('#c-path').setValue('/run');
    await wrapper.get('#c-headers').setValue('X-A: 1');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.send).toHaveBeenCalledWith('p1', {
      identifier: 'session-1',
      method: 'GET',
      path: '/run',
      headers: { 'X-A': '1' },
    });
    expect(wrapper.get('[data-testid="response-status"]').text()).toBe('200');
    expect(wrapper.text()).toContain('"a": 1');
    wrapper.unmount();
  });

  it('lists recorded exchanges, filters them (debounced), and shows live ones', async () => {
    vi.useFakeTimers();
    const { wrapper, client, pinia } = mountAt(undefined, {
      listRequests: vi.fn(async () =>
        ok({ items: [recordSummary(2, { status: 503, totalMs: 1500 }), recordSummary(1)], total: 2 }),
      ),
      recorderState: vi.fn(async () => ok(recorderState)),
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="requests-count"]').text()).toContain('2 shown of 2 recorded');
    expect(wrapper.findAll('.requests-table [role="row"]').length).toBe(3);
    expect(wrapper.get('.status-5xx').text()).toBe('503');
    expect(wrapper.text()).toContain('1.50 s');
    expect(wrapper.get('[data-testid="recorder-state"]').text()).toContain('Recording');

    vi.mocked(client.listRequests).mockClear();
    await wrapper.get('#f-identifier').setValue('use');
    await wrapper.get('#f-identifier').setValue('user-0001');
    await wrapper.get('#f-status').setValue('5xx');
    await vi.advanceTimersByTimeAsync(300);
    expect(client.listRequests).toHaveBeenCalledTimes(1);
    expect(client.listRequests).toHaveBeenCalledWith({ identifier: 'user-0001', status: '5xx', limit: 500 });
    await flushPromises();

    useRequestsStore(pinia).onLive({
      requests: [recordSummary(3, { status: 502 }), recordSummary(4, { status: 200 })],
    });
    await flushPromises();
    expect(wrapper.text()).toContain('502');
    expect(wrapper.findAll('.status-2xx')).toHaveLength(1);
    wrapper.unmount();
  });

  it('shows an exchange: status, timings as a bar, headers, pretty JSON; replays it to a new identifier and compares', async () => {
    const original = exchangeRecord(7);
    const replayed = exchangeRecord(8, {
      identifier: 'replay-1',
      replayOf: '7',
      responseBody: { size: 20, encoding: 'utf8', data: '{"result":3,"ok":true}', truncated: false },
    });
    const { wrapper, client } = mountAt('7', {
      getRequest: vi.fn(async () => ok(original)),
      replayRequest: vi.fn(async () =>
        ok({
          original: '7',
          replay: replayed,
          warnings: [],
          comparison: {
            a: '7',
            b: '8',
            status: { a: 200, b: 200, equal: true },
            headers: { equal: true, changes: [{ name: 'date', a: 'x', b: 'y', volatile: true }] },
            body: { equal: false, patch: '…', added: 1, removed: 1, partial: false },
          },
        }),
      ),
    });
    await flushPromises();
    expect(wrapper.get('h1').text()).toBe('POST /run');
    expect(wrapper.get('[data-testid="exchange-status"]').text()).toBe('200');
    expect(wrapper.findAll('.timing-bar span').length).toBeGreaterThanOrEqual(3);
    expect(wrapper.get('.timing-legend').text()).toContain('Waiting for a session');
    expect(wrapper.get('.timing-legend').text()).toContain('40 ms');
    expect(wrapper.text()).toContain('x-trace');
    expect(wrapper.text()).toContain('"result": 2');

    const replay = wrapper.findAll('button').find((b) => b.text() === 'Replay to a new identifier');
    await replay?.trigger('click');
    await flushPromises();
    expect(client.replayRequest).toHaveBeenCalledWith('7', { target: 'new' });
    expect(wrapper.get('[data-testid="replay-result"]').text()).toContain('#8');
    expect(wrapper.get('[data-testid="comparison-summary"]').text()).toContain('+1');
    const changed = wrapper.findAll('.sbs-changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]?.text()).toContain('"result": 2');
    expect(changed[0]?.text()).toContain('"result": 3');
    wrapper.unmount();
  });

  it('edits and resends: only the changes travel, as a header merge patch', async () => {
    const original = exchangeRecord(7);
    const { wrapper, client } = mountAt('7', {
      getRequest: vi.fn(async () => ok(original)),
      replayRequest: vi.fn(async () => ok({ original: '7', warnings: [], error: 'x' })),
    });
    await flushPromises();
    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Edit and resend'))
      ?.trigger('click');
    await wrapper.get('input[value="custom"]').setValue(true);
    await wrapper.get('input[aria-label="Identifier to replay to"]').setValue('other-id');
    await wrapper.get('#r-headers').setValue('content-type: text/plain\nx-new: 1');
    await wrapper.get('#r-body').setValue('hello');
    await wrapper.get('form[aria-label="Edit and resend"]').trigger('submit');
    await flushPromises();
    expect(client.replayRequest).toHaveBeenCalledWith('7', {
      identifier: 'other-id',
      method: 'POST',
      path: '/run',
      query: '',
      headers: { 'x-trace': null, 'content-type': 'text/plain', 'x-new': '1' },
      body: 'hello',
    });
    wrapper.unmount();
  });
});
