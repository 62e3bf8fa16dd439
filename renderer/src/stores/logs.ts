import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LogsQueryResponse } from '../api/contract.js';
import { isUnavailable, type ApiFailure } from '../api/result.js';
import { useClient } from '../services.js';

export const LOG_PRESETS: { label: string; query: string }[] = [
  {
    label: 'Latest console output',
    query: 'AppEnvSessionConsoleLogs_CL\n| order by TimeGenerated desc\n| take 200',
  },
  {
    label: 'Errors',
    query:
      "AppEnvSessionConsoleLogs_CL\n| where Level_s in ('error', 'critical')\n| order by TimeGenerated desc\n| take 200",
  },
  {
    label: 'Lines per session',
    query: 'AppEnvSessionConsoleLogs_CL\n| summarize lines = count() by SessionId_s\n| order by lines desc',
  },
];

/** Logs: KQL over captured console output; says what brings it while the routes are not mounted. */
export const useLogsStore = defineStore('logs', () => {
  const query = ref(LOG_PRESETS[0]?.query ?? '');
  const unavailable = ref<string>();
  const error = ref<ApiFailure>();
  const running = ref(false);
  const result = ref<LogsQueryResponse>();
  const history = ref<string[]>([]);

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

  return { query, unavailable, error, running, result, history, run };
});
