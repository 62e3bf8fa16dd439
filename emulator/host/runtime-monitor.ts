import type { EventStream } from '../events.js';
import type { ContainerExit, ContainerRuntime, RuntimeInfo } from '../runtime/types.js';

const RETRY_MS = 1000;

/**
 * Tracks whether the container engine answers. While it does not, allocation fails fast with 503
 * and the monitor pings once a second; when it answers again the exit watch is re-subscribed and
 * pools resynchronise. Exits reach pools through the engine's event stream, never by polling.
 */
export class RuntimeMonitor {
  available = false;
  problem = 'the container engine has not been checked yet';
  info?: RuntimeInfo;
  private unwatch?: () => void;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly labels: Record<string, string>,
    private readonly events: EventStream,
    private readonly handlers: { onExit(exit: ContainerExit): void; onAvailable(): Promise<void> },
  ) {}

  /** Resolves after the first check, whatever its result. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.check();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private async check(): Promise<void> {
    try {
      this.info = await this.runtime.ping();
    } catch (error) {
      this.markUnavailable(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped || this.available) return;
    this.available = true;
    this.problem = '';
    this.unwatch = this.runtime.watch(this.labels, (event) => {
      if (event.type === 'exit') this.handlers.onExit(event.exit);
      else this.markUnavailable(event.error);
    });
    this.events.emit({ type: 'runtime.available', version: this.info.version });
    // Reaping and pool preparation (image pulls) run in the background, never inside the check.
    void this.handlers.onAvailable().catch(() => undefined);
  }

  private markUnavailable(message: string): void {
    if (this.stopped) return;
    const wasAvailable = this.available;
    this.available = false;
    this.problem = message;
    this.unwatch?.();
    this.unwatch = undefined;
    if (wasAvailable || !this.retry) this.events.emit({ type: 'runtime.unavailable', message });
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.check(), RETRY_MS);
    this.retry.unref();
  }
}
