// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { installFakes, poolSummary } from '../testing/fake-client.js';
import { usePoolsStore } from '../stores/pools.js';
import LogsView from './LogsView.vue';
import RequestsView from './RequestsView.vue';

describe('views of features that arrive later', () => {
  it('Requests says what brings recording, and its composer sends through the API', async () => {
    const { client } = installFakes({
      send: vi.fn(async () => ({
        ok: true as const,
        value: {
          status: 200,
          headers: { 'x-sessionite-allocation': 'cold' },
          body: '{"a":1}',
          truncated: false,
          totalMs: 12,
        },
      })),
    });
    const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
    usePoolsStore(pinia).pools = [poolSummary('p1')];
    usePoolsStore(pinia).loaded = true;
    const wrapper = mount(RequestsView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(wrapper.text()).toContain('Request recording is not available yet');
    expect(wrapper.text()).toContain('request recording');
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
  });

  it('Logs shows results with level colours once the query routes exist', async () => {
    installFakes({
      queryLogs: vi.fn(async () => ({
        ok: true as const,
        value: {
          columns: [
            { name: 'TimeGenerated', type: 'datetime' as const },
            { name: 'Level_s', type: 'string' as const },
            { name: 'Log_s', type: 'string' as const },
          ],
          rows: [['2026-01-01T00:00:00Z', 'error', 'boom']],
          truncated: false,
          elapsedMs: 3,
        },
      })),
    });
    const wrapper = mount(LogsView, {
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
    });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('1 rows in 3 ms');
    expect(wrapper.get('.level-error').text()).toBe('error');
    expect(wrapper.text()).toContain('boom');
  });

  it('Logs shows the honest empty state after a query', async () => {
    installFakes();
    const wrapper = mount(LogsView, {
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
    });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('Log queries are not available yet');
    expect(wrapper.text()).toContain('log capture');
  });
});
