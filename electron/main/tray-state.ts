import type { EngineEvent } from '../../emulator/events.js';

/**
 * What the tray shows, derived from the emulator's event stream by a pure reducer (the Electron glue
 * in `tray.ts` only draws it). The same transitions decide the native notifications, so the tray and
 * the notifications can never disagree about whether a pool is failing.
 */
export type TrayStatus = 'starting' | 'running' | 'degraded' | 'docker-missing' | 'paused' | 'stopping';

export type PoolFailure =
  | { kind: 'imagePull'; image: string; message: string }
  | { kind: 'crashLoop'; failures: number; message: string };

export interface TrayModel {
  lifecycle: 'starting' | 'running' | 'stopping';
  runtime: { available: boolean; problem: string };
  paused: boolean;
  /** Pools currently failing, by name. */
  failing: ReadonlyMap<string, PoolFailure>;
  /** Consecutive start failures per pool since its last ready session. */
  startFailures: ReadonlyMap<string, number>;
}

/** A pool that just started failing: what a notification (when enabled) says. */
export interface PoolFailureNotice {
  pool: string;
  title: string;
  body: string;
}

/** Consecutive start failures after which a pool counts as crash-looping (the engine is backing off). */
export const CRASH_LOOP_AFTER = 3;

export interface EmulatorSnapshot {
  runtime: { available: boolean; problem: string };
  paused: boolean;
  /** Pools the engine already reports as failed (their image could not be pulled). */
  failedPools: { name: string; image: string; problem: string }[];
}

export function initialTrayModel(snapshot?: EmulatorSnapshot): TrayModel {
  const failing = new Map<string, PoolFailure>();
  for (const pool of snapshot?.failedPools ?? []) {
    failing.set(pool.name, { kind: 'imagePull', image: pool.image, message: pool.problem });
  }
  return {
    lifecycle: snapshot ? 'running' : 'starting',
    runtime: snapshot?.runtime ?? { available: false, problem: '' },
    paused: snapshot?.paused ?? false,
    failing,
    startFailures: new Map(),
  };
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  return new Map(map).set(key, value);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function notice(pool: string, failure: PoolFailure): PoolFailureNotice {
  if (failure.kind === 'imagePull') {
    return {
      pool,
      title: `Pool '${pool}': image pull failed`,
      body: `${failure.image}: ${firstLine(failure.message)}`,
    };
  }
  return {
    pool,
    title: `Pool '${pool}' is crash-looping`,
    body: `${failure.failures} sessions in a row failed to start: ${firstLine(failure.message)}`,
  };
}

function onStartFailed(
  model: TrayModel,
  pool: string,
  message: string,
): { model: TrayModel; notices: PoolFailureNotice[] } {
  const failures = (model.startFailures.get(pool) ?? 0) + 1;
  const next = { ...model, startFailures: withEntry(model.startFailures, pool, failures) };
  if (failures < CRASH_LOOP_AFTER || model.failing.get(pool)?.kind === 'imagePull')
    return { model: next, notices: [] };
  const failure: PoolFailure = { kind: 'crashLoop', failures, message };
  const wasFailing = model.failing.has(pool);
  return {
    model: { ...next, failing: withEntry(model.failing, pool, failure) },
    notices: wasFailing ? [] : [notice(pool, failure)],
  };
}

/** Forgets everything about a pool (deleted, or a new template that deserves a fresh start). */
function forgetPool(model: TrayModel, pool: string): TrayModel {
  return {
    ...model,
    failing: without(model.failing, pool),
    startFailures: without(model.startFailures, pool),
  };
}

/** Applies one engine event; `notices` lists pools that have just started failing. */
export function reduceTray(
  model: TrayModel,
  event: EngineEvent,
): { model: TrayModel; notices: PoolFailureNotice[] } {
  switch (event.type) {
    case 'runtime.available':
      return { model: { ...model, runtime: { available: true, problem: '' } }, notices: [] };
    case 'runtime.unavailable':
      return { model: { ...model, runtime: { available: false, problem: event.message } }, notices: [] };
    case 'pool.imageFailed': {
      const failure: PoolFailure = { kind: 'imagePull', image: event.image, message: event.message };
      const previous = model.failing.get(event.pool);
      const repeated = previous?.kind === 'imagePull' && previous.image === event.image;
      return {
        model: { ...model, failing: withEntry(model.failing, event.pool, failure) },
        notices: repeated ? [] : [notice(event.pool, failure)],
      };
    }
    case 'pool.imageReady':
      return {
        model:
          model.failing.get(event.pool)?.kind === 'imagePull'
            ? { ...model, failing: without(model.failing, event.pool) }
            : model,
        notices: [],
      };
    case 'session.startFailed':
      return onStartFailed(model, event.pool, event.message);
    case 'session.ready':
      return {
        model: model.failing.get(event.pool)?.kind === 'imagePull' ? model : forgetPool(model, event.pool),
        notices: [],
      };
    case 'pool.updated':
    case 'pool.deleted':
      return { model: forgetPool(model, event.pool), notices: [] };
    default:
      return { model, notices: [] };
  }
}

export function trayStatus(model: TrayModel): TrayStatus {
  if (model.lifecycle !== 'running') return model.lifecycle;
  if (!model.runtime.available) return 'docker-missing';
  if (model.failing.size > 0) return 'degraded';
  return model.paused ? 'paused' : 'running';
}

const STATUS_LABEL: Record<TrayStatus, string> = {
  starting: 'Starting…',
  running: 'Running',
  degraded: 'Running, with failing pools',
  'docker-missing': 'Docker is not reachable',
  paused: 'Pools paused',
  stopping: 'Stopping…',
};

/** The tooltip and the first (informational) lines of the tray menu. */
export function trayDescription(model: TrayModel): { tooltip: string; lines: string[] } {
  const status = trayStatus(model);
  const lines = [STATUS_LABEL[status]];
  if (status === 'docker-missing' && model.runtime.problem) lines.push(firstLine(model.runtime.problem));
  for (const [pool, failure] of model.failing) {
    lines.push(
      failure.kind === 'imagePull'
        ? `${pool}: image pull failed`
        : `${pool}: crash loop (${failure.failures} failed starts)`,
    );
  }
  if (model.paused && status !== 'paused') lines.push('Pools paused');
  return { tooltip: `Sessionite — ${lines.join('; ')}`, lines };
}
