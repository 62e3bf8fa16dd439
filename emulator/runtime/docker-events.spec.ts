import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { watchExits } from './docker-events.js';
import type { RuntimeEvent } from './types.js';

/** Just enough of dockerode for the watcher: one event stream and container inspection. */
function fakeEngine() {
  const stream = new PassThrough();
  const requests: unknown[] = [];
  const docker = {
    getEvents: async (options: unknown) => (requests.push(options), stream),
    getContainer: (id: string) => ({
      inspect: async () => {
        if (id === 'gone') throw Object.assign(new Error('no such container'), { statusCode: 404 });
        return { State: { ExitCode: 137, OOMKilled: true } };
      },
    }),
  } as unknown as Dockerode;
  return { docker, stream, requests };
}

function collector(count: number) {
  const events: RuntimeEvent[] = [];
  let done!: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  const listener = (event: RuntimeEvent): void => {
    events.push(event);
    if (events.length === count) done();
  };
  return { events, reached, listener };
}

const die = (id: string, exitCode: string) =>
  JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: id, Attributes: { exitCode } } });

describe('watchExits', () => {
  it('subscribes by label since just before the call, and completes exits from the container state', async () => {
    const { docker, stream, requests } = fakeEngine();
    const { events, reached, listener } = collector(2);
    const before = Date.now() / 1000;
    watchExits(docker, { 'io.sessionite.instance': 'i1' }, listener);
    const text = `${JSON.stringify({ Type: 'network', Action: 'connect' })}\n${die('abc', '1')}\n${die('gone', '3')}\n`;
    await new Promise((resolve) => setImmediate(resolve));
    stream.write(text.slice(0, 50));
    stream.write(text.slice(50));
    await reached;
    expect(requests[0]).toMatchObject({ filters: { type: ['container'], event: ['die'], label: ['io.sessionite.instance=i1'] } });
    expect((requests[0] as { since: number }).since).toBeLessThan(before);
    expect(events).toEqual([
      { type: 'exit', exit: { id: 'abc', exitCode: 137, oomKilled: true } },
      { type: 'exit', exit: { id: 'gone', exitCode: 3, oomKilled: false } },
    ]);
  });

  it('reports the end of the stream once as disconnected', async () => {
    const { docker, stream } = fakeEngine();
    const { events, reached, listener } = collector(1);
    watchExits(docker, { a: 'b' }, listener);
    await new Promise((resolve) => setImmediate(resolve));
    stream.end();
    await reached;
    // The watcher destroys the stream on 'end'; its 'close' follows and must not report again.
    expect(stream.destroyed).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([{ type: 'disconnected', error: 'the engine ended the event stream' }]);
  });

  it('stops reporting and tears the stream down on unsubscribe', async () => {
    const { docker, stream } = fakeEngine();
    const { events, listener } = collector(1);
    const unsubscribe = watchExits(docker, { a: 'b' }, listener);
    await new Promise((resolve) => setImmediate(resolve));
    unsubscribe();
    expect(stream.destroyed).toBe(true);
    expect(events).toEqual([]);
  });

  it('refuses to watch without labels', () => {
    expect(() => watchExits(fakeEngine().docker, {}, () => undefined)).toThrow(/without any label/);
  });
});
