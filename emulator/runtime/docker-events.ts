import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { dockerMessage } from './docker-errors.js';
import { JsonObjectSplitter } from './docker-json-stream.js';
import { labelFilters } from './docker-network.js';
import type { ContainerExit, RuntimeEvent } from './types.js';

interface DieEvent {
  id: string;
  exitCode: number | null;
  oomKilled: boolean;
}

/** Extracts a container `die` event; anything else on the stream is ignored. */
export function parseDieEvent(message: unknown): DieEvent | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> } };
  if (m.Type !== 'container' || m.Action !== 'die' || typeof m.Actor?.ID !== 'string') return null;
  const attributes = m.Actor.Attributes ?? {};
  const code = Number(attributes.exitCode);
  return {
    id: m.Actor.ID,
    exitCode: typeof attributes.exitCode === 'string' && Number.isInteger(code) ? code : null,
    // Newer engines put the flag on the event; 20.10 only has it in the container's state.
    oomKilled: attributes.oomKilled === 'true',
  };
}

/** The event's facts, completed from the container's state (exit code, OOM flag) while it exists. */
async function completeExit(docker: Dockerode, event: DieEvent): Promise<ContainerExit> {
  try {
    const info = await docker.getContainer(event.id).inspect();
    return {
      id: event.id,
      exitCode: typeof info.State.ExitCode === 'number' ? info.State.ExitCode : event.exitCode,
      oomKilled: info.State.OOMKilled || event.oomKilled,
    };
  } catch {
    // Typically force-removed between dying and this inspect: the event's own facts must do. (An
    // engine that went away also ends the stream, which reports `disconnected` on its own.)
    return { id: event.id, exitCode: event.exitCode, oomKilled: event.oomKilled };
  }
}

/**
 * Streams `die` events of containers carrying `labels`. Each exit is reported once; when the stream
 * ends or fails, `disconnected` is reported once and nothing more follows (the caller re-subscribes
 * once `ping` works again). The subscription asks for events since one second before the call, so a
 * container that dies while the HTTP stream is still being opened is not missed; a replayed exit
 * for a container the caller does not know is harmless to it.
 */
export function watchExits(
  docker: Dockerode,
  labels: Record<string, string>,
  listener: (event: RuntimeEvent) => void,
): () => void {
  const filters = { type: ['container' as const], event: ['die'], label: labelFilters(labels) };
  const controller = new AbortController();
  let active = true;
  let stream: Readable | undefined;

  const disconnect = (error: string): void => {
    if (!active) return;
    active = false;
    stream?.destroy();
    listener({ type: 'disconnected', error });
  };
  const onMessage = (message: unknown): void => {
    const die = parseDieEvent(message);
    if (!die) return;
    void completeExit(docker, die).then((exit) => {
      if (active) listener({ type: 'exit', exit });
    });
  };

  docker.getEvents({ filters, since: Date.now() / 1000 - 1, abortSignal: controller.signal }).then(
    (raw) => {
      if (!(raw instanceof Readable)) return disconnect('the engine returned no event stream');
      stream = raw;
      if (!active) return void raw.destroy();
      const splitter = new JsonObjectSplitter();
      raw.on('data', (chunk: Buffer) => splitter.push(chunk).forEach(onMessage));
      raw.on('error', (err: Error) => disconnect(`event stream failed: ${err.message}`));
      raw.on('end', () => disconnect('the engine ended the event stream'));
      raw.on('close', () => disconnect('the engine closed the event stream'));
    },
    (err: unknown) => disconnect(`could not subscribe to engine events: ${dockerMessage(err)}`),
  );

  return () => {
    if (!active) return;
    active = false;
    controller.abort();
    stream?.destroy();
  };
}
