// @vitest-environment happy-dom
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionRow } from '../api/contract.js';
import { installFakes, poolSummary } from '../testing/fake-client.js';
import { ok } from '../api/result.js';
import { useClockStore } from '../stores/clock.js';
import { useLogsStore } from '../stores/logs.js';
import { useNavigationStore } from '../stores/navigation.js';
import { usePoolsStore } from '../stores/pools.js';
import SessionsView from './SessionsView.vue';

const NOW = Date.parse('2026-01-01T00:00:00.000Z');
const row: SessionRow = {
  identifier: 'user-0001',
  sessionId: 'abc',
  state: 'allocated',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastAccessedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T00:05:00.000Z',
  requestCount: 3,
  inflight: 0,
};

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => vi.useRealTimers());

async function mountWith(rows: SessionRow[]) {
  const fakes = installFakes({
    listSessions: vi.fn(async (pool: string) => ({
      ok: true as const,
      value: { pool, sessions: rows, now: new Date(NOW).toISOString() },
    })),
    sessionStats: vi.fn(async (pool: string) =>
      ok({
        pool,
        intervalMs: 5000,
        problem: '',
        stats: {
          abc: {
            sessionId: 'abc',
            cpuCores: 0.25,
            memoryBytes: 64 * 1024 * 1024,
            memoryLimitBytes: 256 * 1024 * 1024,
            readAt: new Date(NOW).toISOString(),
          },
        },
      }),
    ),
  });
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  usePoolsStore(pinia).pools = [poolSummary('p1')];
  usePoolsStore(pinia).loaded = true;
  useNavigationStore(pinia).go('sessions', 'p1');
  const wrapper = mount(SessionsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, ...fakes, pinia };
}

describe('SessionsView', () => {
  it('shows each session with a countdown that moves with the clock', async () => {
    const { wrapper, pinia } = await mountWith([row]);
    expect(wrapper.text()).toContain('user-0001');
    expect(wrapper.get('[data-testid="expires-in"]').text()).toBe('5m 00s');
    const clock = useClockStore(pinia);
    clock.start();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(wrapper.get('[data-testid="expires-in"]').text()).toBe('3m 59s');
    clock.stop();
    wrapper.unmount();
  });

  it('stops a session from its row', async () => {
    const { wrapper, client } = await mountWith([row]);
    await wrapper.get('button[aria-label="Stop session user-0001"]').trigger('click');
    await flushPromises();
    expect(client.stopSession).toHaveBeenCalledWith('p1', 'user-0001');
    expect(wrapper.text()).toContain('No sessions in this pool');
    wrapper.unmount();
  });

  it('shows CPU and memory, read every interval while the view is shown', async () => {
    const { wrapper, client } = await mountWith([row]);
    expect(wrapper.get('[data-testid="cpu"]').text()).toBe('25%');
    expect(wrapper.get('[data-testid="memory"]').text()).toBe('64.0 MiB');
    expect(wrapper.get('[data-testid="memory"]').attributes('title')).toBe('64.0 MiB of 256 MiB');
    const calls = vi.mocked(client.sessionStats).mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(vi.mocked(client.sessionStats).mock.calls.length).toBe(calls + 1);
    wrapper.unmount();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(vi.mocked(client.sessionStats).mock.calls.length).toBe(calls + 1);
  });

  it('jumps from a session to its logs', async () => {
    const { wrapper, pinia } = await mountWith([row]);
    await wrapper.get('button[aria-label="Logs of session user-0001"]').trigger('click');
    expect(useNavigationStore(pinia).view).toBe('logs');
    expect(useLogsStore(pinia).tailControls).toMatchObject({ pool: 'p1', identifier: 'user-0001' });
    wrapper.unmount();
  });

  it('tells what to do when the pool has no sessions', async () => {
    const { wrapper } = await mountWith([]);
    expect(wrapper.text()).toContain('A session is allocated by the first request with a new identifier');
    expect(wrapper.text()).toContain('?identifier=my-session');
    wrapper.unmount();
  });
});
