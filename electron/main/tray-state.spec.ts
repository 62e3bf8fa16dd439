import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../emulator/events.js';
import { trayMenu, type TrayMenuItem } from './tray-menu.js';
import {
  CRASH_LOOP_AFTER,
  initialTrayModel,
  reduceTray,
  trayDescription,
  trayStatus,
  type TrayModel,
} from './tray-state.js';

const running = initialTrayModel({
  runtime: { available: true, problem: '' },
  paused: false,
  failedPools: [],
});

function apply(model: TrayModel, events: EngineEvent[]): { model: TrayModel; notices: string[] } {
  const notices: string[] = [];
  for (const event of events) {
    const result = reduceTray(model, event);
    model = result.model;
    notices.push(...result.notices.map((n) => n.title));
  }
  return { model, notices };
}

const startFailed = (pool: string): EngineEvent => ({
  type: 'session.startFailed',
  pool,
  sessionId: 's',
  message: 'exit 1\nmore',
  lastLogs: '',
});

describe('tray state from emulator events', () => {
  it('starts as starting and is running once the emulator is up with Docker reachable', () => {
    expect(trayStatus(initialTrayModel())).toBe('starting');
    expect(trayStatus(running)).toBe('running');
  });

  it('says Docker is missing while the engine is unreachable, and recovers', () => {
    const { model } = apply(running, [
      { type: 'runtime.unavailable', message: 'connect ENOENT /var/run/docker.sock' },
    ]);
    expect(trayStatus(model)).toBe('docker-missing');
    expect(trayDescription(model).lines).toEqual([
      'Docker is not reachable',
      'connect ENOENT /var/run/docker.sock',
    ]);
    expect(trayStatus(apply(model, [{ type: 'runtime.available', version: '27.0' }]).model)).toBe('running');
  });

  it('is degraded while a pool cannot pull its image, and notifies once', () => {
    const failed: EngineEvent = {
      type: 'pool.imageFailed',
      pool: 'p1',
      image: 'x:1',
      message: 'pull access denied',
    };
    const { model, notices } = apply(running, [failed, failed]);
    expect(trayStatus(model)).toBe('degraded');
    expect(notices).toEqual(["Pool 'p1': image pull failed"]);
    expect(trayDescription(model).tooltip).toBe(
      'Sessionite — Running, with failing pools; p1: image pull failed',
    );
    expect(
      trayStatus(apply(model, [{ type: 'pool.imageReady', pool: 'p1', image: 'x:1', pulled: true }]).model),
    ).toBe('running');
  });

  it(`calls ${CRASH_LOOP_AFTER} start failures in a row a crash loop, until a session starts`, () => {
    const twice = apply(running, [startFailed('p2'), startFailed('p2')]);
    expect(trayStatus(twice.model)).toBe('running');
    const looping = apply(twice.model, [startFailed('p2'), startFailed('p2')]);
    expect(trayStatus(looping.model)).toBe('degraded');
    expect(looping.notices).toEqual(["Pool 'p2' is crash-looping"]);
    const recovered = apply(looping.model, [
      { type: 'session.ready', pool: 'p2', sessionId: 's', startMs: 5 },
    ]);
    expect(trayStatus(recovered.model)).toBe('running');
    // The count starts again from zero.
    expect(trayStatus(apply(recovered.model, [startFailed('p2'), startFailed('p2')]).model)).toBe('running');
  });

  it('forgets a failing pool when it is deleted or gets a new template', () => {
    const failing = apply(running, [
      { type: 'pool.imageFailed', pool: 'p1', image: 'x:1', message: 'no' },
    ]).model;
    expect(trayStatus(apply(failing, [{ type: 'pool.deleted', pool: 'p1' }]).model)).toBe('running');
    expect(trayStatus(apply(failing, [{ type: 'pool.updated', pool: 'p1', generation: 2 }]).model)).toBe(
      'running',
    );
  });

  it('keeps the same model object for events that change nothing (no redraw)', () => {
    const event: EngineEvent = {
      type: 'request.completed',
      pool: 'p',
      sessionId: 's',
      identifier: 'i',
      method: 'GET',
      status: 200,
      totalMs: 3,
    };
    expect(reduceTray(running, event).model).toBe(running);
  });

  it('starts degraded when the engine already reports a failed pool', () => {
    const model = initialTrayModel({
      runtime: { available: true, problem: '' },
      paused: false,
      failedPools: [{ name: 'p', image: 'i', problem: 'x' }],
    });
    expect(trayStatus(model)).toBe('degraded');
  });

  it('orders states: stopping, Docker missing, degraded, paused, running', () => {
    const failing = apply(running, [
      { type: 'pool.imageFailed', pool: 'p1', image: 'x:1', message: 'no' },
    ]).model;
    expect(trayStatus({ ...running, paused: true })).toBe('paused');
    expect(trayStatus({ ...failing, paused: true })).toBe('degraded');
    expect(trayStatus({ ...failing, runtime: { available: false, problem: '' } })).toBe('docker-missing');
    expect(trayStatus({ ...failing, lifecycle: 'stopping' })).toBe('stopping');
  });
});

describe('tray menu', () => {
  const labels = (items: TrayMenuItem[]): string[] =>
    items.map((item) => ('label' in item ? item.label : '—'));

  it('offers the quick actions, with one endpoint entry per pool', () => {
    const items = trayMenu({ model: running, pools: ['a', 'b'], closeToTray: true, notifications: false });
    expect(labels(items)).toEqual([
      'Running',
      '—',
      'Open Sessionite',
      'Open Dashboard in Browser',
      'Copy Pool Endpoint',
      'Copy a Fresh Token',
      'Pause All Pools',
      '—',
      'Keep Running When the Window Closes',
      'Notify When a Pool Fails',
      '—',
      'Quit Sessionite',
    ]);
    const endpoints = items.find((item) => item.kind === 'submenu');
    expect(
      endpoints?.kind === 'submenu' && endpoints.items.map((item) => item.kind === 'action' && item.action),
    ).toEqual([
      { type: 'copyEndpoint', pool: 'a' },
      { type: 'copyEndpoint', pool: 'b' },
    ]);
  });

  it('offers Resume when paused, and toggles the preferences to their opposite', () => {
    const items = trayMenu({
      model: { ...running, paused: true },
      pools: [],
      closeToTray: false,
      notifications: true,
    });
    const find = (label: string): TrayMenuItem | undefined =>
      items.find((item) => 'label' in item && item.label === label);
    expect(find('Resume All Pools')).toMatchObject({ action: { type: 'setPaused', paused: false } });
    expect(find('Copy Pool Endpoint')).toMatchObject({ enabled: false });
    expect(find('Keep Running When the Window Closes')).toMatchObject({
      checked: false,
      action: { type: 'setCloseToTray', value: true },
    });
    expect(find('Notify When a Pool Fails')).toMatchObject({
      checked: true,
      action: { type: 'setNotifications', value: false },
    });
  });

  it('disables the emulator actions until it runs', () => {
    const items = trayMenu({ model: initialTrayModel(), pools: [], closeToTray: true, notifications: false });
    const enabled = items
      .filter((item) => item.kind === 'action' && item.enabled)
      .map((item) => ('label' in item ? item.label : ''));
    expect(enabled).toEqual(['Open Sessionite', 'Quit Sessionite']);
  });
});
