import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Comparison, ExchangeRecord, ReplayOptions, ReplayResult } from '../api/contract.js';
import type { ApiFailure } from '../api/result.js';
import { useClient } from '../services.js';

/** Two recorded exchanges side by side, with the server's comparison of their responses. */
export interface ComparedPair {
  a: ExchangeRecord;
  b: ExchangeRecord;
  comparison: Comparison;
}

/**
 * One recorded exchange (the Requests view's detail), its replays and comparisons. Answers for an
 * exchange that is no longer selected are dropped.
 */
export const useExchangeStore = defineStore('exchange', () => {
  const id = ref<string>();
  const record = ref<ExchangeRecord>();
  const error = ref<ApiFailure>();
  const loading = ref(false);

  const replaying = ref(false);
  const replayResult = ref<ReplayResult>();
  const replayError = ref<ApiFailure>();

  const comparing = ref(false);
  const pair = ref<ComparedPair>();
  const compareError = ref<ApiFailure>();

  async function open(next: string): Promise<void> {
    if (id.value === next && (record.value || loading.value)) return;
    id.value = next;
    record.value = undefined;
    error.value = undefined;
    replayResult.value = undefined;
    replayError.value = undefined;
    pair.value = undefined;
    compareError.value = undefined;
    loading.value = true;
    const result = await useClient().getRequest(next);
    if (id.value !== next) return;
    loading.value = false;
    if (result.ok) record.value = result.value;
    else error.value = result.error;
  }

  function close(): void {
    id.value = undefined;
    record.value = undefined;
    error.value = undefined;
    loading.value = false;
  }

  /** Replays the open exchange (with edits, if any); a success shows the comparison at once. */
  async function replay(options: ReplayOptions): Promise<ReplayResult | undefined> {
    const original = record.value;
    if (!original) return undefined;
    replaying.value = true;
    replayError.value = undefined;
    const result = await useClient().replayRequest(original.id, options);
    replaying.value = false;
    if (id.value !== original.id) return undefined;
    if (!result.ok) {
      replayResult.value = undefined;
      replayError.value = result.error;
      return undefined;
    }
    replayResult.value = result.value;
    const replayed = result.value.replay;
    if (replayed && result.value.comparison)
      pair.value = { a: original, b: replayed, comparison: result.value.comparison };
    return result.value;
  }

  /** Compares the open exchange (left) with another recorded one (right), by id. */
  async function compareWith(otherId: string): Promise<void> {
    const original = record.value;
    if (!original) return;
    comparing.value = true;
    compareError.value = undefined;
    const [other, comparison] = await Promise.all([
      useClient().getRequest(otherId),
      useClient().compareRequests(original.id, otherId),
    ]);
    comparing.value = false;
    if (id.value !== original.id) return;
    if (!other.ok) compareError.value = other.error;
    else if (!comparison.ok) compareError.value = comparison.error;
    else pair.value = { a: original, b: other.value, comparison: comparison.value };
  }

  function closeComparison(): void {
    pair.value = undefined;
    compareError.value = undefined;
  }

  return {
    id,
    record,
    error,
    loading,
    replaying,
    replayResult,
    replayError,
    comparing,
    pair,
    compareError,
    open,
    close,
    replay,
    compareWith,
    closeComparison,
  };
});
