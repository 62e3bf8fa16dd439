import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { EventBatch } from '../api/contract.js';
import type { StreamState } from '../api/event-stream.js';
import { useClient } from '../services.js';
import { useActivityStore } from './activity.js';
import { usePoolsStore } from './pools.js';
import { useRequestsStore } from './requests.js';
import { useSessionsStore } from './sessions.js';
import { useStatusStore } from './status.js';

/**
 * The one event connection. Each server batch is handed to the domain stores, which patch their
 * state or schedule a coalesced refetch; nothing re-renders per event.
 */
export const useLiveStore = defineStore('live', () => {
  const state = ref<StreamState>('closed');
  const detail = ref('');
  let close: (() => void) | undefined;

  function dispatch(batch: EventBatch): void {
    useActivityStore().ingest(batch.events);
    const events = batch.events.map((item) => item.event);
    if (batch.replay) return;
    if (batch.requests || batch.requestsSkipped) useRequestsStore().onLive(batch);
    usePoolsStore().onEvents(events);
    useSessionsStore().onEvents(events);
    useStatusStore().onEvents(events);
  }

  function connect(): void {
    if (close) return;
    close = useClient().subscribe(dispatch, (next, why) => {
      const reconnected = state.value === 'retrying' && next === 'open';
      state.value = next;
      detail.value = why ?? '';
      // Whatever changed while disconnected is refetched, not guessed.
      if (reconnected) {
        const requests = useRequestsStore();
        void Promise.all([
          usePoolsStore().refresh(),
          useStatusStore().refresh(),
          useSessionsStore().refresh(),
          requests.loaded ? requests.load() : undefined,
        ]);
      }
    });
  }

  function disconnect(): void {
    close?.();
    close = undefined;
  }

  return { state, detail, connect, disconnect, dispatch };
});
