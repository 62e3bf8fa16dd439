import { waitUntilReady } from '../runtime/wait-ready.js';
import type { PoolContext } from './context.js';
import { LABELS } from './context.js';
import type { Session } from './session.js';
import type { PoolSpec } from './spec.js';

export class SessionStartError extends Error {
  constructor(
    message: string,
    readonly lastLogs: string,
  ) {
    super(message);
  }
}

/**
 * Starts the container for `session` and resolves once its target port answers (or its Startup
 * probe passes). `exited` resolves if the container dies meanwhile, which aborts the wait at once;
 * the error then carries the container's last log lines, because "exited before ready" is useless
 * without them. On failure the caller removes the container.
 */
export async function startSessionContainer(
  ctx: PoolContext,
  spec: PoolSpec,
  session: Session,
  exited: Promise<{ exitCode: number | null }>,
  signal: AbortSignal,
  onContainer: (containerId: string) => void,
): Promise<void> {
  const network = await ctx.network(spec.egress);
  const started = await ctx.runtime.start({
    name: session.containerName,
    image: spec.container.image,
    command: spec.container.command.length ? spec.container.command : undefined,
    args: spec.container.args.length ? spec.container.args : undefined,
    env: { ...spec.container.env, ...ctx.sessionEnv?.(spec, session.id) },
    cpu: spec.container.cpu,
    memoryBytes: spec.container.memoryBytes,
    pidsLimit: ctx.limits.pidsLimit,
    labels: {
      ...ctx.labels,
      [LABELS.pool]: spec.name,
      [LABELS.session]: session.id,
      [LABELS.generation]: String(session.generation),
    },
    network: network.name,
    targetPort: spec.targetPort,
  });
  session.containerId = started.id;
  onContainer(started.id);
  const startup = spec.container.probes.find((p) => p.type === 'Startup');
  try {
    await waitUntilReady({
      host: started.host,
      port: started.port,
      probe: startup,
      targetPort: spec.targetPort,
      timeoutMs: ctx.limits.sessionStartTimeoutMs,
      signal,
      exited,
    });
  } catch (error) {
    const lastLogs = await ctx.runtime.tail(started.id, 20).catch(() => '');
    const reason = error instanceof Error ? error.message : String(error);
    throw new SessionStartError(reason, lastLogs);
  }
  session.markReady(started.host, started.port);
}
