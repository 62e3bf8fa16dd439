/**
 * The one typed event stream from the engine to its hosts (CLI, Electron, GUI via the admin API,
 * and later the log store). A discriminated union on `type`; every event carries its time.
 */
export type StopReason =
  | 'cooldown'
  | 'api'
  | 'exited'
  | 'maxAlive'
  | 'unhealthy'
  | 'templateChanged'
  | 'poolDeleted'
  | 'shutdown'
  | 'startFailed'
  /** The host paused every pool (desktop tray): warm and starting sessions are stopped. */
  | 'paused';

export type EngineEvent =
  | { type: 'pool.created'; pool: string }
  | { type: 'pool.updated'; pool: string; generation: number }
  | { type: 'pool.deleted'; pool: string }
  | { type: 'pool.imageReady'; pool: string; image: string; pulled: boolean }
  | { type: 'pool.imageFailed'; pool: string; image: string; message: string }
  | { type: 'session.starting'; pool: string; sessionId: string }
  | { type: 'session.ready'; pool: string; sessionId: string; startMs: number }
  | { type: 'session.startFailed'; pool: string; sessionId: string; message: string; lastLogs: string }
  | {
      type: 'session.allocated';
      pool: string;
      sessionId: string;
      identifier: string;
      waitedMs: number;
      cold: boolean;
    }
  | {
      type: 'session.stopped';
      pool: string;
      sessionId: string;
      identifier?: string;
      reason: StopReason;
      exitCode?: number | null;
      oomKilled?: boolean;
    }
  | {
      type: 'request.completed';
      pool: string;
      sessionId: string;
      identifier: string;
      method: string;
      status: number;
      totalMs: number;
    }
  | {
      type: 'request.failed';
      pool: string;
      sessionId?: string;
      identifier?: string;
      status: number;
      code: string;
      message: string;
    }
  | { type: 'runtime.unavailable'; message: string }
  | { type: 'runtime.available'; version: string };

export type TimedEvent = EngineEvent & { time: number };

type Listener = (event: TimedEvent) => void;

export class EventStream {
  private listeners = new Set<Listener>();

  constructor(private readonly now: () => number) {}

  /** Stamps `event` with the time and hands it to every listener. The object becomes the event: pass a fresh one. */
  emit(event: EngineEvent): void {
    // Stamped in place: a copy per event (every forwarded request emits one) cost more than the listeners.
    const timed = event as TimedEvent;
    timed.time = this.now();
    for (const listener of this.listeners) {
      // A faulty listener must never break the engine that emits.
      try {
        listener(timed);
      } catch {
        /* ignored by design */
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event matching `predicate` (tests and hosts wait on events, not sleeps). */
  waitFor<T extends EngineEvent['type']>(
    type: T,
    predicate: (event: Extract<TimedEvent, { type: T }>) => boolean = () => true,
  ): Promise<Extract<TimedEvent, { type: T }>> {
    return new Promise((resolve) => {
      const unsubscribe = this.subscribe((event) => {
        if (event.type !== type) return;
        const typed = event as Extract<TimedEvent, { type: T }>;
        if (predicate(typed)) {
          unsubscribe();
          resolve(typed);
        }
      });
    });
  }
}
