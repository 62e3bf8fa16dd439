import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SessionRow, SessionStats, TimedEvent } from '../api/contract.js';
import type { ApiFailure, ApiResult } from '../api/result.js';
import { coalesce } from '../lib/coalesce.js';
import { useClient } from '../services.js';
import { useClockStore } from './clock.js';

const RELEVANT = new Set<TimedEvent['type']>([
  'session.allocated',
  'session.stopped',
  'request.completed',
  'pool.deleted',
]);

/** The live session table of the selected pool, refetched (batched) on that pool's events. */
export const useSessionsStore = defineStore('sessions', () => {
  const pool = ref<string>();
  const rows = ref<SessionRow[]>([]);
  const loaded = ref(false);
  const error = ref<ApiFailure>();
  /** Per-identifier failures of the stop action, shown on the row. */
  const rowErrors = ref<Record<string, string>>({});
  const stopping = ref<Record<string, boolean>>({});
  /** CPU and memory by session id, read by the server at most every `statsIntervalMs`. */
  const stats = ref<Record<string, SessionStats>>({});
  const statsProblem = ref('');
  const statsError = ref<ApiFailure>();
  const statsIntervalMs = ref(5000);
  let statsWatchers = 0;
  let statsTimer: ReturnType<typeof setTimeout> | undefined;

  async function refresh(): Promise<void> {
    const name = pool.value;
    if (name === undefined) return;
    const result = await useClient().listSessions(name);
    if (name !== pool.value) return;
    if (result.ok) {
      rows.value = result.value.sessions;
      useClockStore().learnServerTime(result.value.now);
      error.value = undefined;
      // A new session gets its CPU and memory now rather than at the next reading.
      if (statsWatchers > 0 && rows.value.some((row) => !stats.value[row.sessionId])) void refreshStats();
    } else {
      rows.value = [];
      error.value = result.error;
    }
    loaded.value = true;
  }

  const later = coalesce(refresh, 250);

  async function select(name: string | undefined): Promise<void> {
    if (name === pool.value && loaded.value) return;
    pool.value = name;
    rows.value = [];
    loaded.value = false;
    error.value = undefined;
    rowErrors.value = {};
    stats.value = {};
    statsProblem.value = '';
    statsError.value = undefined;
    await refresh();
    if (statsWatchers > 0) await pollStats();
  }

  async function refreshStats(): Promise<void> {
    const name = pool.value;
    if (name === undefined) return;
    const result = await useClient().sessionStats(name);
    if (name !== pool.value) return;
    if (result.ok) {
      stats.value = result.value.stats;
      statsProblem.value = result.value.problem;
      statsIntervalMs.value = Math.max(1000, result.value.intervalMs);
      statsError.value = undefined;
    } else {
      statsError.value = result.error;
    }
  }

  /** One reading now, then one per server interval while someone watches (no overlapping calls). */
  async function pollStats(): Promise<void> {
    clearTimeout(statsTimer);
    statsTimer = undefined;
    await refreshStats();
    if (statsWatchers > 0 && statsTimer === undefined)
      statsTimer = setTimeout(() => void pollStats(), statsIntervalMs.value);
  }

  /** The Sessions view reads CPU and memory only while it is shown; returns the stop function. */
  function watchStats(): () => void {
    statsWatchers++;
    if (statsWatchers === 1) void pollStats();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      statsWatchers--;
      if (statsWatchers === 0) {
        clearTimeout(statsTimer);
        statsTimer = undefined;
      }
    };
  }

  function onEvents(events: TimedEvent[]): void {
    if (events.some((e) => RELEVANT.has(e.type) && 'pool' in e && e.pool === pool.value)) later.schedule();
  }

  async function stop(identifier: string): Promise<ApiResult<void>> {
    const name = pool.value;
    if (name === undefined)
      return { ok: false, error: { status: 0, code: 'NoPool', message: 'No pool is selected.' } };
    stopping.value = { ...stopping.value, [identifier]: true };
    const result = await useClient().stopSession(name, identifier);
    const { [identifier]: _done, ...rest } = stopping.value;
    stopping.value = rest;
    if (result.ok) {
      rows.value = rows.value.filter((row) => row.identifier !== identifier);
      const { [identifier]: _cleared, ...others } = rowErrors.value;
      rowErrors.value = others;
    } else {
      rowErrors.value = { ...rowErrors.value, [identifier]: result.error.message };
    }
    return result;
  }

  function dehydrate(): void {
    later.cancel();
    clearTimeout(statsTimer);
    statsTimer = undefined;
    pool.value = undefined;
    rows.value = [];
    stats.value = {};
    loaded.value = false;
  }

  return {
    pool,
    rows,
    loaded,
    error,
    rowErrors,
    stopping,
    stats,
    statsProblem,
    statsError,
    statsIntervalMs,
    refresh,
    refreshStats,
    select,
    onEvents,
    stop,
    watchStats,
    dehydrate,
  };
});
