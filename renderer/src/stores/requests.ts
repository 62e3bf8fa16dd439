import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ExportSelection } from '../api/client.js';
import type {
  EventBatch,
  ExportFormat,
  ImportRequest,
  RecordSummary,
  RecorderState,
  ReplayResult,
} from '../api/contract.js';
import { isUnavailable, type ApiFailure, type ApiResult } from '../api/result.js';
import { coalesce } from '../lib/coalesce.js';
import { emptyFilters, matchesFilters, toQuery, type RequestFilters } from '../lib/request-filters.js';
import { useClient, usePlatform } from '../services.js';
import { useClockStore } from './clock.js';
import { usePreferencesStore } from './preferences.js';

/** Rows held in memory at most (the list is virtualised; older pages load on demand). */
export const MAX_ITEMS = 20_000;
export const PAGE_SIZE = 500;

export const EXPORT_FILES: Record<ExportFormat, { name: string; mime: string; label: string }> = {
  curl: { name: 'sessionite-requests.sh', mime: 'text/x-shellscript', label: 'curl script' },
  http: { name: 'sessionite-requests.http', mime: 'text/plain', label: '.http file' },
  har: { name: 'sessionite-requests.har', mime: 'application/json', label: 'HAR' },
};

/** A HAR file picked for import, waiting for the user to choose where its requests go. */
export interface PendingImport {
  fileName: string;
  har: unknown;
  entries: number;
}

export interface ImportOutcome {
  fileName: string;
  results: ReplayResult[];
}

/**
 * Recorded exchanges: the filtered list (newest first, paged, joined live by the event stream's
 * summaries), the recorder's state, export and HAR import. The selected exchange, replay and
 * comparison live in the `exchange` store.
 */
export const useRequestsStore = defineStore('requests', () => {
  const unavailable = ref<string>();
  const filters = ref<RequestFilters>(emptyFilters());
  const items = shallowRef<RecordSummary[]>([]);
  const total = ref(0);
  const nextBefore = ref<number>();
  const loaded = ref(false);
  const loading = ref(false);
  const loadingMore = ref(false);
  const listError = ref<ApiFailure>();

  const recorder = ref<RecorderState>();
  const recorderError = ref<ApiFailure>();

  const exportError = ref<ApiFailure>();
  const pendingImport = ref<PendingImport>();
  const importing = ref(false);
  const importError = ref<ApiFailure>();
  const importOutcome = ref<ImportOutcome>();

  let generation = 0;
  /** Live summaries that arrive while a load is under way, merged when it answers. */
  let buffered: RecordSummary[] | undefined;

  const zone = () => usePreferencesStore().timeZone;
  const matches = (summary: RecordSummary): boolean =>
    matchesFilters(summary, filters.value, zone(), useClockStore().serverNow);

  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    buffered = [];
    const result = await useClient().listRequests({ ...toQuery(filters.value, zone()), limit: PAGE_SIZE });
    if (mine !== generation) return;
    const live = buffered;
    buffered = undefined;
    loading.value = false;
    if (result.ok) {
      unavailable.value = undefined;
      listError.value = undefined;
      const newest = result.value.items[0]?.seq ?? 0;
      const extra = live.filter((s) => s.seq > newest && matches(s)).reverse();
      items.value = [...extra, ...result.value.items];
      total.value = result.value.total + extra.length;
      nextBefore.value = result.value.nextBefore;
      loaded.value = true;
    } else if (isUnavailable(result.error)) {
      unavailable.value = result.error.arrivesWith;
      loaded.value = true;
    } else {
      listError.value = result.error;
    }
  }

  /** The next (older) page, appended; nothing when the list is complete or a page is loading. */
  async function loadMore(): Promise<void> {
    const before = nextBefore.value;
    if (before === undefined || loadingMore.value || loading.value) return;
    const mine = generation;
    loadingMore.value = true;
    const result = await useClient().listRequests({
      ...toQuery(filters.value, zone()),
      limit: PAGE_SIZE,
      before,
    });
    loadingMore.value = false;
    if (mine !== generation) return;
    if (!result.ok) {
      listError.value = result.error;
      return;
    }
    const next = [...items.value, ...result.value.items];
    items.value = next.length > MAX_ITEMS ? next.slice(0, MAX_ITEMS) : next;
    nextBefore.value = next.length > MAX_ITEMS ? undefined : result.value.nextBefore;
  }

  const reloadLater = coalesce(load, 500);

  /** Sets filters; the Requests view reloads the list when they change (debounced). */
  function setFilters(next: Partial<RequestFilters>): void {
    filters.value = { ...filters.value, ...next };
  }

  function clearFilters(): void {
    filters.value = emptyFilters();
  }

  /** "Requests" from a session: only that session's exchanges. */
  function focusSession(pool: string, identifier: string): void {
    filters.value = { ...emptyFilters(), pool, identifier };
  }

  /** Summaries from the event stream: matching ones join the top of the list, at most MAX_ITEMS kept. */
  function onLive(batch: Pick<EventBatch, 'requests' | 'requestsSkipped'>): void {
    if (batch.requestsSkipped) {
      // More arrived than the stream carries: the list is reloaded (once per burst) instead.
      reloadLater.schedule();
      return;
    }
    const incoming = batch.requests ?? [];
    if (incoming.length === 0) return;
    if (recorder.value) {
      recorder.value = {
        ...recorder.value,
        records: recorder.value.records + incoming.length,
        newest: incoming.at(-1)?.time ?? recorder.value.newest,
      };
    }
    if (buffered) {
      buffered.push(...incoming);
      return;
    }
    if (!loaded.value || unavailable.value) return;
    const newest = items.value[0]?.seq ?? 0;
    const fresh = incoming.filter((s) => s.seq > newest && matches(s)).reverse();
    if (fresh.length === 0) return;
    let next = [...fresh, ...items.value];
    if (next.length > MAX_ITEMS) {
      next = next.slice(0, MAX_ITEMS);
      nextBefore.value = next.at(-1)?.seq;
    }
    items.value = next;
    total.value += fresh.length;
  }

  async function loadState(): Promise<void> {
    const result = await useClient().recorderState();
    if (result.ok) {
      recorder.value = result.value;
      recorderError.value = undefined;
    } else if (!isUnavailable(result.error)) recorderError.value = result.error;
  }

  async function setRecording(enabled: boolean): Promise<void> {
    const result = await useClient().setRecording(enabled);
    if (result.ok) {
      recorder.value = result.value;
      recorderError.value = undefined;
    } else recorderError.value = result.error;
  }

  async function clearAll(): Promise<ApiResult<RecorderState>> {
    const result = await useClient().clearRequests();
    if (result.ok) {
      recorder.value = result.value;
      recorderError.value = undefined;
      await load();
    } else recorderError.value = result.error;
    return result;
  }

  /** Saves the export (curl script, .http file or HAR) through the platform's save dialog. */
  async function exportAs(format: ExportFormat, selection?: ExportSelection): Promise<boolean> {
    const chosen: ExportSelection = selection ?? { query: toQuery(filters.value, zone()) };
    const result = await useClient().exportRequests(format, chosen);
    if (!result.ok) {
      exportError.value = result.error;
      return false;
    }
    exportError.value = undefined;
    const file = EXPORT_FILES[format];
    try {
      await usePlatform().saveText(file.name, result.value, file.mime);
      return true;
    } catch (error) {
      exportError.value = {
        status: 0,
        code: 'SaveFailed',
        message: `The file could not be saved: ${error instanceof Error ? error.message : String(error)}`,
      };
      return false;
    }
  }

  /** Lets the user pick a HAR file; it waits in `pendingImport` until `runImport`. */
  async function pickHar(): Promise<void> {
    importError.value = undefined;
    importOutcome.value = undefined;
    let opened;
    try {
      opened = await usePlatform().openText({ title: 'Import a HAR file', extensions: ['har', 'json'] });
    } catch (error) {
      importError.value = {
        status: 0,
        code: 'OpenFailed',
        message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}`,
      };
      return;
    }
    if (!opened) return;
    let har: unknown;
    try {
      har = JSON.parse(opened.content);
    } catch {
      importError.value = {
        status: 0,
        code: 'InvalidHar',
        message: `${opened.fileName} is not JSON, so not a HAR file.`,
      };
      return;
    }
    const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
    if (!Array.isArray(entries)) {
      importError.value = {
        status: 0,
        code: 'InvalidHar',
        message: `${opened.fileName} has no log.entries: not a HAR file.`,
      };
      return;
    }
    pendingImport.value = { fileName: opened.fileName, har, entries: entries.length };
  }

  function cancelImport(): void {
    pendingImport.value = undefined;
  }

  /** Sends the picked HAR's requests (in order) to the chosen identifier / pool. */
  async function runImport(options: Omit<ImportRequest, 'har'>): Promise<void> {
    const pending = pendingImport.value;
    if (!pending) return;
    importing.value = true;
    const result = await useClient().importHar({ ...options, har: pending.har });
    importing.value = false;
    if (result.ok) {
      pendingImport.value = undefined;
      importError.value = undefined;
      importOutcome.value = { fileName: pending.fileName, results: result.value.results };
    } else importError.value = result.error;
  }

  function dismissImport(): void {
    importOutcome.value = undefined;
    importError.value = undefined;
  }

  return {
    unavailable,
    filters,
    items,
    total,
    nextBefore,
    loaded,
    loading,
    loadingMore,
    listError,
    recorder,
    recorderError,
    exportError,
    pendingImport,
    importing,
    importError,
    importOutcome,
    load,
    loadMore,
    setFilters,
    clearFilters,
    focusSession,
    onLive,
    loadState,
    setRecording,
    clearAll,
    exportAs,
    pickHar,
    cancelImport,
    runImport,
    dismissImport,
  };
});
