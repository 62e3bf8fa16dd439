// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../api/result.js';
import { installFakes } from '../testing/fake-client.js';
import { useLogsStore } from '../stores/logs.js';
import LogsView from './LogsView.vue';

afterEach(() => vi.useRealTimers());

const stats = {
  records: { console: 1234, lifecycle: 5, poolEvents: 6 },
  bytes: 2048,
  segments: 1,
  oldest: '2026-01-01T00:00:00.000Z',
  newest: '2026-01-01T00:10:00.000Z',
  retention: { maxBytes: 100, maxAgeMs: 100 },
  dropped: { retention: 0, capture: 0 },
};

describe('LogsView', () => {
  it('shows query results with level colours, in local time or UTC', async () => {
    installFakes({
      logsStats: vi.fn(async () => ok(stats)),
      queryLogs: vi.fn(async () =>
        ok({
          columns: [
            { name: 'TimeGenerated', type: 'datetime' as const },
            { name: 'Level_s', type: 'string' as const },
            { name: 'Log_s', type: 'string' as const },
          ],
          rows: [['2026-01-01T00:00:01.5Z', 'error', 'boom']],
          truncated: false,
          elapsedMs: 3,
        }),
      ),
    });
    const wrapper = mount(LogsView, {
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
      attachTo: document.body,
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="logs-stats"]').text()).toContain('1,234 console lines');
    await wrapper.get('form[aria-label="Query editor"]').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('1 rows in 3 ms');
    expect(wrapper.get('.level-error').text()).toBe('error');
    expect(wrapper.text()).toContain('boom');
    await wrapper.get('input[value="utc"]').setValue(true);
    expect(wrapper.text()).toContain('2026-01-01 00:00:01.500Z');
    wrapper.unmount();
  });

  it('says what brings logs while they are not mounted', async () => {
    installFakes();
    const wrapper = mount(LogsView, {
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
    });
    await flushPromises();
    expect(wrapper.text()).toContain('Log queries are not available yet');
    expect(wrapper.text()).toContain('log capture');
    wrapper.unmount();
  });

  it('tails live output on its tab and stops when the view goes', async () => {
    vi.useFakeTimers();
    const { client } = installFakes({ logsStats: vi.fn(async () => ok(stats)) });
    const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
    useLogsStore(pinia).focusSession('p1', 'user-0001');
    const wrapper = mount(LogsView, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    expect(client.tailLogs).toHaveBeenCalledWith(
      { pool: 'p1', identifier: 'user-0001', tail: 200 },
      expect.anything(),
    );
    expect(wrapper.text()).toContain('Waiting for output');
    client.tail({
      replay: false,
      skipped: 0,
      records: [
        {
          seq: 1,
          TimeGenerated: '2026-01-01T00:00:00.000Z',
          SessionPoolName_s: 'p1',
          SessionId_s: 'user-0001',
          ContainerId_s: 'c',
          ContainerName_s: 'main',
          Stream_s: 'stderr',
          Level_s: 'warning',
          Log_s: 'disk almost full',
        },
      ],
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(wrapper.text()).toContain('disk almost full');
    expect(wrapper.get('.level-warning').text()).toBe('warning');
    expect(wrapper.find('.virtual-row.stderr').exists()).toBe(true);
    wrapper.unmount();
    expect(useLogsStore(pinia).tailState).toBe('closed');
  });
});
