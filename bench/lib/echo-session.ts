import type { EmulatorProcess } from './emulator-process.js';
import { header, timedRequest } from './http-client.js';
import type { ScenarioContext } from './types.js';

export interface EchoSession {
  /** `<pool endpoint><path>?identifier=…` */
  viaEmulator: string;
  /** The same path and query straight at the session container's address. */
  direct: string;
  sessionId: string;
  containerId: string;
  ip: string;
}

/** Binds `identifier` to an echo session and returns both routes to the same path on it. */
export async function bindEchoSession(
  ctx: ScenarioContext,
  emulator: EmulatorProcess,
  pool: string,
  identifier: string,
  path: string,
): Promise<EchoSession> {
  const bound = await timedRequest(emulator.url(pool, '/health', identifier));
  if (bound.status !== 200) throw new Error(`binding ${identifier} answered ${bound.status}: ${bound.body}`);
  const sessionId = header(bound, 'x-sessionite-session');
  const container = await ctx.docker.sessionContainer(emulator.instanceId, sessionId);
  const query = `identifier=${encodeURIComponent(identifier)}`;
  const sep = path.includes('?') ? '&' : '?';
  return {
    viaEmulator: `${emulator.endpoint(pool)}${path}${sep}${query}`,
    direct: `http://${container.ip}:8080${path}${sep}${query}`,
    sessionId,
    containerId: container.id,
    ip: container.ip,
  };
}
