/**
 * Runs `fn` at most once per `ms`: the first call schedules it, further calls within the window join
 * that run. Live event bursts become one refetch per window (the "batched live updates").
 */
export function coalesce(fn: () => Promise<void> | void, ms: number): { schedule(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule() {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void fn();
      }, ms);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
