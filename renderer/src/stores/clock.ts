import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/**
 * One shared ticker for every countdown, and the offset between the emulator's clock and ours (the
 * emulator may run on a test clock), learnt from server timestamps.
 */
export const useClockStore = defineStore('clock', () => {
  const now = ref(Date.now());
  const offsetMs = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;

  const serverNow = computed(() => now.value + offsetMs.value);

  function start(intervalMs = 1000): void {
    if (timer !== undefined) return;
    timer = setInterval(() => (now.value = Date.now()), intervalMs);
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
  }

  function learnServerTime(serverIso: string): void {
    const server = Date.parse(serverIso);
    if (Number.isFinite(server)) {
      now.value = Date.now();
      offsetMs.value = server - now.value;
    }
  }

  return { now, offsetMs, serverNow, start, stop, learnServerTime };
});
