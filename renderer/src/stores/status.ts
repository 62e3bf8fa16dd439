import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { StatusResponse, TimedEvent } from '../api/contract.js';
import type { ApiFailure } from '../api/result.js';
import { coalesce } from '../lib/coalesce.js';
import { useClient } from '../services.js';
import { useClockStore } from './clock.js';

/** Emulator, engine and endpoint facts (Overview, Settings). */
export const useStatusStore = defineStore('status', () => {
  const status = ref<StatusResponse>();
  const error = ref<ApiFailure>();
  const loading = ref(false);

  async function refresh(): Promise<void> {
    loading.value = true;
    const result = await useClient().status();
    loading.value = false;
    if (result.ok) {
      status.value = result.value;
      error.value = undefined;
      useClockStore().learnServerTime(result.value.serverTime);
    } else {
      error.value = result.error;
    }
  }

  const later = coalesce(refresh, 300);

  function onEvents(events: TimedEvent[]): void {
    if (events.some((e) => e.type === 'runtime.available' || e.type === 'runtime.unavailable'))
      later.schedule();
  }

  async function hydrate(): Promise<void> {
    await refresh();
  }

  function dehydrate(): void {
    later.cancel();
    status.value = undefined;
    error.value = undefined;
  }

  return { status, error, loading, refresh, onEvents, hydrate, dehydrate };
});
