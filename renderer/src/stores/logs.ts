import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type {
  LogLevel,
  LogsQueryResponse,
  LogsStats,
  LogStream,
  TailBatch,
  TailFilter,
  TailRecord,
} from '../api/contract.js';
import type { StreamState } from '../api/event-stream.js';
import { isUnavailable, type ApiFailure } from '../api/result.js';
import { coalesce } from '../lib/coalesce.js';
import { useClient } from '../services.js';

/** The console table: what sessions print (`AppEnvSessionConsoleLogs_CL`, see `emulator/logs/README.md`). */
export const CONSOLE_TABLE = 'AppEnvSessionConsoleLogs_CL';

export const LOG_PRESETS: { label: string; query: string }[] = [
  {
    label: 'Latest console output',
    query: `${CONSOLE_TABLE}\n| order by TimeGenerated desc\n| take 200`,
  },
  {
    label: 'Errors',
    query: `${CONSOLE_TABLE}\n| where Level_s in ('error', 'critical')\n| order by TimeGenerated desc\n| take 200`,
  },
  {
    label: 'Lines per session',
    query: `${CONSOLE_TABLE}\n| summarize lines = count() by SessionPoolName_s, SessionId_s\n| order by lines desc`,
  },
  {
    label: 'Session lifecycle',
    query: 'AppEnvSessionLifecycleLogs\n| order by TimeGenerated desc\n| take 200',
  },
  {
    label: 'Pool events',
    query: 'AppEnvSessionPoolEventLogs\n| order by TimeGenerated desc\n| take 200',
  },
];

/** Tail records kept in memory (the table is virtualised); the oldest go first. */
export const MAX_TAIL_RECORDS = 10_000;
/** Records the server sends first when a tail starts. */
export const TAIL_BACKLOG = 200;

export interface TailControls {
  pool: string;
  identifier: string;
  stream: '' | LogStream;
  level: '' | LogLevel;
  contains: string;
}

export function emptyTailControls(): TailControls {
  return { pool: '', identifier: '', stream: '', level: '', contains: '' };
}

/** A KQL string literal (double quotes, backslash escapes). */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The console output of one session, oldest first. */
export function sessionQuery(pool: string, identifier: string): string {
  return `${CONSOLE_TABLE}\n| where SessionPoolName_s == ${kqlString(pool)} and SessionId_s == ${kqlString(identifier)}\n| order by TimeGenerated asc\n| take 1000`;
}

/**
 * Logs: KQL queries with presets and history, the live tail over server-sent events (batched into
 * the table a few times a second), and the store's statistics. Says what brings it while the routes
 * are not mounted.
 */
export const useLogsStore = defineStore('logs', () => {
  const tab = ref<'query' | 'tail'>('query');
  const query = ref(LOG_PRESETS[0]?.query ?? '');
  const unavailable = ref<string>();
  const error = ref<ApiFailure>();
  const running = ref(false);
  const result = ref<LogsQueryResponse>();
  const history = ref<string[]>([]);

  const stats = ref<LogsStats>();
  const statsError = ref<ApiFailure>();

  const tailControls = ref<TailControls>(emptyTailControls());
  const tailRecords = shallowRef<TailRecord[]>([]);
  const tailState = ref<StreamState>('closed');
  const tailDetail = ref('');
  const tailError = ref<ApiFailure>();
  /** Matching records the server left out because this client fell behind. */
  const tailSkipped = ref(0);
  const tailPaused = ref(false);
  let closeTail: (() => void) | undefined;
  let incoming: TailRecord[] = [];

  async function run(): Promise<void> {
    running.value = true;
    const text = query.value;
    const answer = await useClient().queryLogs(text);
    running.value = false;
    if (answer.ok) {
      unavailable.value = undefined;
      error.value = undefined;
      result.value = answer.value;
      history.value = [text, ...history.value.filter((q) => q !== text)].slice(0, 20);
    } else if (isUnavailable(answer.error)) {
      unavailable.value = answer.error.arrivesWith;
    } else {
      error.value = answer.error;
    }
  }

  async function loadStats(): Promise<void> {
    const answer = await useClient().logsStats();
    if (answer.ok) {
      stats.value = answer.value;
      statsError.value = undefined;
    } else if (isUnavailable(answer.error)) unavailable.value = answer.error.arrivesWith;
    else statsError.value = answer.error;
  }

  // Incoming tail batches are applied to the table at most every 200 ms: a flood of lines costs a few
  // renders a second, not one per message.
  const apply = coalesce(() => {
    if (incoming.length === 0) return;
    const next = tailRecords.value.concat(incoming);
    incoming = [];
    tailRecords.value = next.length > MAX_TAIL_RECORDS ? next.slice(next.length - MAX_TAIL_RECORDS) : next;
  }, 200);

  function filterOf(controls: TailControls): TailFilter {
    return {
      ...(controls.pool ? { pool: controls.pool } : {}),
      ...(controls.identifier.trim() ? { identifier: controls.identifier.trim() } : {}),
      ...(controls.stream ? { stream: controls.stream } : {}),
      ...(controls.level ? { level: controls.level } : {}),
      ...(controls.contains.trim() ? { contains: controls.contains.trim() } : {}),
    };
  }

  function onTailBatch(batch: TailBatch): void {
    tailSkipped.value += batch.skipped;
    if (batch.records.length === 0) return;
    incoming.push(...batch.records);
    apply.schedule();
  }

  /**
   * Opens the tail. `resume` continues after the last record shown (after a pause); otherwise the
   * table starts over with the recent matching records.
   */
  function startTail(resume = false): void {
    stopTail();
    tailPaused.value = false;
    tailError.value = undefined;
    const last = tailRecords.value.at(-1)?.seq;
    if (!resume || last === undefined) {
      tailRecords.value = [];
      incoming = [];
      tailSkipped.value = 0;
    }
    const filter: TailFilter = {
      ...filterOf(tailControls.value),
      ...(resume && last !== undefined ? { after: last } : { tail: TAIL_BACKLOG }),
    };
    closeTail = useClient().tailLogs(filter, {
      onBatch: onTailBatch,
      onState: (state, detail) => {
        tailState.value = state;
        tailDetail.value = detail ?? '';
      },
      onError: (failure) => {
        if (isUnavailable(failure)) unavailable.value = failure.arrivesWith;
        else tailError.value = failure;
      },
    });
  }

  function stopTail(): void {
    closeTail?.();
    closeTail = undefined;
    apply.cancel();
    if (incoming.length > 0) {
      const next = tailRecords.value.concat(incoming);
      incoming = [];
      tailRecords.value = next.slice(Math.max(0, next.length - MAX_TAIL_RECORDS));
    }
  }

  function pauseTail(): void {
    stopTail();
    tailPaused.value = true;
  }

  /** New filters start the tail over (and end a pause). */
  function setTailControls(next: Partial<TailControls>): void {
    tailControls.value = { ...tailControls.value, ...next };
    startTail(false);
  }

  function clearTail(): void {
    tailRecords.value = [];
    incoming = [];
    tailSkipped.value = 0;
  }

  /** "Logs" from a session: its console output in the tail and as a query. */
  function focusSession(pool: string, identifier: string): void {
    tailControls.value = { ...emptyTailControls(), pool, identifier };
    query.value = sessionQuery(pool, identifier);
    tab.value = 'tail';
    tailPaused.value = false;
    if (closeTail) startTail(false);
    else clearTail();
  }

  return {
    tab,
    query,
    unavailable,
    error,
    running,
    result,
    history,
    stats,
    statsError,
    tailControls,
    tailRecords,
    tailState,
    tailDetail,
    tailError,
    tailSkipped,
    tailPaused,
    run,
    loadStats,
    startTail,
    stopTail,
    pauseTail,
    setTailControls,
    clearTail,
    focusSession,
  };
});
