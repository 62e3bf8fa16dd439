import type { StopReason, TimedEvent } from '../events.js';
import { poolResourceId } from './contexts.js';
import type { LifecycleLogRow, PoolEventLogRow } from './kql/index.js';

/** What the recorder needs to know about a pool; remembered, because `pool.deleted` comes after it is gone. */
export interface PoolInfo {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
}

export interface PlatformSink {
  appendLifecycle(row: LifecycleLogRow): void;
  appendPoolEvent(row: PoolEventLogRow): void;
}

type Level = 'Informational' | 'Warning' | 'Error';

/**
 * Engine events → `AppEnvSessionLifecycleLogs` (what happened to a session: allocated, stopped and
 * why, requests that failed) and `AppEnvSessionPoolEventLogs` (what happened to the pool and its
 * containers: created, updated, deleted, image pulled or failed, containers started, ready, failed,
 * deleted with exit code and OOM flag). `Level` uses Azure resource-log names (Informational,
 * Warning, Error); `NodeName` is this machine, `PodName` the session's container name.
 */
export class PlatformRecorder {
  private readonly pools = new Map<string, PoolInfo>();

  constructor(
    private readonly sink: PlatformSink,
    private readonly poolInfo: (pool: string) => PoolInfo | undefined,
    private readonly nodeName: string,
  ) {}

  record(event: TimedEvent): void {
    if (event.type === 'request.completed') return;
    if (event.type === 'runtime.available' || event.type === 'runtime.unavailable') {
      const up = event.type === 'runtime.available';
      const text = up
        ? `The container engine is available (version ${event.version}).`
        : `The container engine is unavailable: ${event.message}`;
      this.pool(
        event.time,
        '',
        up ? 'ContainerRuntimeAvailable' : 'ContainerRuntimeUnavailable',
        text,
        up ? 'Informational' : 'Error',
      );
      return;
    }
    this.remember(event.pool);
    if (event.type === 'session.allocated') {
      const how = event.cold
        ? `no ready session was free; waited ${event.waitedMs} ms for a new one`
        : 'taken from the ready sessions';
      this.lifecycle(
        event,
        event.identifier,
        'SessionAllocated',
        `Session allocated to identifier '${event.identifier}' (${how}).`,
        'Informational',
      );
    } else if (event.type === 'request.failed') {
      const level = event.status >= 500 ? 'Error' : 'Warning';
      this.lifecycle(
        event,
        event.identifier ?? '',
        'RequestFailed',
        `Request failed with ${event.status} ${event.code}: ${event.message}`,
        level,
      );
    } else if (event.type === 'session.stopped') {
      this.stopped(event);
    } else {
      this.poolEvent(event);
    }
  }

  private poolEvent(
    event: Exclude<
      TimedEvent,
      {
        type:
          | `runtime.${string}`
          | 'session.stopped'
          | 'session.allocated'
          | 'request.completed'
          | 'request.failed';
      }
    >,
  ): void {
    const t = event.time;
    switch (event.type) {
      case 'pool.created':
        return this.pool(
          t,
          event.pool,
          'PoolCreated',
          `Session pool '${event.pool}' created.`,
          'Informational',
        );
      case 'pool.updated':
        return this.pool(
          t,
          event.pool,
          'PoolUpdated',
          `Session pool '${event.pool}' updated (template generation ${event.generation}); ready sessions of the old template are replaced.`,
          'Informational',
        );
      case 'pool.deleted':
        return this.pool(
          t,
          event.pool,
          'PoolDeleted',
          `Session pool '${event.pool}' deleted with all its sessions.`,
          'Informational',
        );
      case 'pool.imageReady':
        return event.pulled
          ? this.pool(t, event.pool, 'ImagePulled', `Image '${event.image}' pulled.`, 'Informational')
          : this.pool(
              t,
              event.pool,
              'ImageReady',
              `Image '${event.image}' is present locally.`,
              'Informational',
            );
      case 'pool.imageFailed':
        return this.pool(
          t,
          event.pool,
          'ImagePullFailed',
          `Image '${event.image}' could not be pulled: ${event.message}`,
          'Error',
        );
      case 'session.starting':
        return this.pool(
          t,
          event.pool,
          'SessionContainerStarting',
          `Starting a container for session ${event.sessionId}.`,
          'Informational',
          event.sessionId,
        );
      case 'session.ready':
        return this.pool(
          t,
          event.pool,
          'ReadySessionCreated',
          `Ready session ${event.sessionId} created in ${event.startMs} ms.`,
          'Informational',
          event.sessionId,
        );
      case 'session.startFailed':
        return this.pool(
          t,
          event.pool,
          'SessionContainerStartFailed',
          `The container of session ${event.sessionId} failed to start: ${event.message}`,
          'Error',
          event.sessionId,
        );
    }
  }

  private stopped(event: Extract<TimedEvent, { type: 'session.stopped' }>): void {
    const exit = exitText(event.exitCode, event.oomKilled);
    const failed =
      event.oomKilled === true ||
      (event.exitCode !== undefined && event.exitCode !== null && event.exitCode !== 0);
    if (event.identifier !== undefined) {
      const [operation, why, level] = stopText(event.reason);
      const text =
        event.reason === 'exited' ? `Session ended: its container exited${exit}.` : `Session ended: ${why}.`;
      this.lifecycle(
        event,
        event.identifier,
        operation,
        text,
        event.reason === 'exited' && failed ? 'Error' : level,
      );
    }
    const text = `Container of session ${event.sessionId} deleted (${stopText(event.reason)[1]})${event.reason === 'exited' ? `; it exited${exit}` : ''}.`;
    this.pool(
      event.time,
      event.pool,
      'SessionContainerDeleted',
      text,
      failed ? 'Error' : 'Informational',
      event.sessionId,
    );
  }

  private remember(pool: string): void {
    const info = this.poolInfo(pool);
    if (info) this.pools.set(pool, info);
  }

  private common(
    pool: string,
    sessionId: string | undefined,
  ): Omit<PoolEventLogRow, 'TimeGenerated' | 'OperationName' | 'Log' | 'Level'> {
    const info = this.pools.get(pool);
    return {
      SessionPoolName: pool,
      Location: info?.location ?? '',
      NodeName: this.nodeName,
      PodName: sessionId === undefined ? '' : `sessionite-${pool}-${sessionId}`,
      _ResourceId: info && pool ? poolResourceId(info.subscriptionId, info.resourceGroup, pool) : '',
    };
  }

  private lifecycle(
    event: TimedEvent & { pool: string; sessionId?: string },
    identifier: string,
    operation: string,
    text: string,
    level: Level,
  ): void {
    this.sink.appendLifecycle({
      TimeGenerated: event.time,
      SessionId: identifier,
      OperationName: operation,
      Log: text,
      Level: level,
      ...this.common(event.pool, event.sessionId),
    });
  }

  private pool(
    time: number,
    pool: string,
    operation: string,
    text: string,
    level: Level,
    sessionId?: string,
  ): void {
    this.sink.appendPoolEvent({
      TimeGenerated: time,
      OperationName: operation,
      Log: text,
      Level: level,
      ...this.common(pool, sessionId),
    });
  }
}

/** OperationName, what happened (as text) and level, per stop reason; reasons added later fall back to SessionStopped. */
const STOP_TEXT: Readonly<Partial<Record<StopReason, [string, string, Level]>>> = {
  cooldown: ['SessionCooldownExpired', 'its cooldown period expired after the last request', 'Informational'],
  api: ['SessionStoppedByApi', 'stopped through the stopSession API', 'Informational'],
  exited: ['SessionContainerExited', 'its container exited', 'Informational'],
  maxAlive: ['SessionMaxAliveReached', 'it reached its maximum lifetime', 'Informational'],
  unhealthy: ['SessionUnhealthy', 'its liveness probe failed', 'Warning'],
  templateChanged: ['SessionStopped', 'the pool template changed', 'Informational'],
  poolDeleted: ['SessionStopped', 'the pool was deleted', 'Informational'],
  shutdown: ['SessionStopped', 'the emulator shut down', 'Informational'],
  startFailed: ['SessionStopped', 'its container failed to start', 'Error'],
  paused: ['SessionStopped', 'the pools were paused', 'Informational'],
};

function stopText(reason: StopReason): [string, string, Level] {
  return STOP_TEXT[reason] ?? ['SessionStopped', `stopped (${String(reason)})`, 'Informational'];
}

function exitText(exitCode: number | null | undefined, oomKilled: boolean | undefined): string {
  const code =
    exitCode === undefined ? '' : exitCode === null ? ' (exit code unknown)' : ` with exit code ${exitCode}`;
  return code + (oomKilled ? ', killed for exceeding its memory limit (OOM)' : '');
}
