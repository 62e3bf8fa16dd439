import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { TimeZoneMode } from '../lib/format.js';

/** View preferences shared across views (the local/UTC toggle of Requests and Logs). */
export const usePreferencesStore = defineStore('preferences', () => {
  const timeZone = ref<TimeZoneMode>('local');

  function setTimeZone(zone: TimeZoneMode): void {
    timeZone.value = zone;
  }

  return { timeZone, setTimeZone };
});
