import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PoolDetail, PoolSummary, TimedEvent } from '../api/contract.js';
import type { ApiFailure, ApiResult } from '../api/result.js';
import { coalesce } from '../lib/coalesce.js';
import { useClient } from '../services.js';

/** The pool list with live counts, and pool create/replace/delete through the API's validation. */
export const usePoolsStore = defineStore('pools', () => {
  const pools = ref<PoolSummary[]>([]);
  const loaded = ref(false);
  const error = ref<ApiFailure>();

  async function refresh(): Promise<void> {
    const result = await useClient().listPools();
    if (result.ok) {
      pools.value = result.value;
      error.value = undefined;
      loaded.value = true;
    } else {
      error.value = result.error;
    }
  }

  const later = coalesce(refresh, 250);

  /** Pool and session events change states and counts: one refetch per burst. */
  function onEvents(events: TimedEvent[]): void {
    if (events.some((e) => e.type.startsWith('pool.') || e.type.startsWith('session.'))) later.schedule();
  }

  function detail(name: string): Promise<ApiResult<PoolDetail>> {
    return useClient().getPool(name);
  }

  async function save(
    name: string,
    definition: unknown,
    mode: 'create' | 'edit',
  ): Promise<ApiResult<PoolDetail>> {
    const result = await useClient().putPool(name, definition, { createOnly: mode === 'create' });
    if (result.ok) await refresh();
    return result;
  }

  async function remove(name: string): Promise<ApiResult<void>> {
    const result = await useClient().deletePool(name);
    if (result.ok) pools.value = pools.value.filter((pool) => pool.name !== name);
    return result;
  }

  function byName(name: string): PoolSummary | undefined {
    return pools.value.find((pool) => pool.name === name);
  }

  async function hydrate(): Promise<void> {
    await refresh();
  }

  function dehydrate(): void {
    later.cancel();
    pools.value = [];
    loaded.value = false;
    error.value = undefined;
  }

  return { pools, loaded, error, refresh, onEvents, detail, save, remove, byName, hydrate, dehydrate };
});
