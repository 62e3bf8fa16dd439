import type { ReadyInfo } from '../../emulator/emulator.js';
import type { HostSettings, HostedEmulator } from '../../emulator/host/hosted.js';

/**
 * Starting the emulator with remembered ports. A port the user typed (`--port`) is binding: taken means
 * an error, as with the CLI. A remembered one is a preference: when another program took it since the
 * last run, the emulator starts on a port the OS picks (0) and the new port is remembered instead.
 */
export interface PortPreference {
  /** True when the port came from the command line (never replaced). */
  httpExplicit: boolean;
  httpsExplicit: boolean;
}

export interface StartedHost extends HostedEmulator {
  ready: ReadyInfo;
  settings: HostSettings;
}

export function addressInUsePort(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, port } = error as { code?: unknown; port?: unknown };
  return code === 'EADDRINUSE' && typeof port === 'number' ? port : undefined;
}

/** The settings to retry with after `error`, or undefined when the error is not ours to handle. */
export function fallbackSettings(
  settings: HostSettings,
  error: unknown,
  preference: PortPreference,
): HostSettings | undefined {
  const taken = addressInUsePort(error);
  if (taken === undefined || taken === 0) return undefined;
  if (taken === settings.port && !preference.httpExplicit) return { ...settings, port: 0 };
  if (taken === settings.httpsPort && !preference.httpsExplicit) return { ...settings, httpsPort: 0 };
  return undefined;
}

export async function startWithPortFallback(
  initial: HostSettings,
  preference: PortPreference,
  build: (settings: HostSettings) => Promise<HostedEmulator>,
  log: (line: string) => void,
): Promise<StartedHost> {
  let settings = initial;
  // At most one retry per listener: http, then https.
  for (let attempt = 0; ; attempt++) {
    const hosted = await build(settings);
    try {
      const ready = await hosted.emulator.start();
      return { ...hosted, ready, settings };
    } catch (error) {
      const next = attempt < 2 ? fallbackSettings(settings, error, preference) : undefined;
      if (!next) throw error;
      log(`port ${addressInUsePort(error)} is taken now; letting the OS choose one (it will be remembered)`);
      settings = next;
    }
  }
}

/** The ports a started emulator actually listens on, to remember for the next run. */
export function listeningPorts(ready: ReadyInfo): { http: number; https: number } {
  const portOf = (url: string | undefined): number => (url ? Number(new URL(url).port) : 0);
  return { http: portOf(ready.http), https: portOf(ready.https) };
}

/**
 * What to remember after a start: the ports actually used, except where the command line chose one
 * (a one-off `--port` does not move the app's endpoint for good).
 */
export function portsToRemember(
  previous: { http: number; https: number } | undefined,
  used: { http: number; https: number },
  preference: PortPreference,
): { http: number; https: number } {
  return {
    http: preference.httpExplicit ? (previous?.http ?? used.http) : used.http,
    https: preference.httpsExplicit ? (previous?.https ?? used.https) : used.https,
  };
}

/**
 * Stops the emulator within `boundMs`: the emulator bounds container removal itself; this bounds the
 * whole shutdown (extensions, servers) so quitting the app never hangs on a stuck engine.
 */
export async function stopWithin(
  stop: () => Promise<void>,
  boundMs: number,
  log: (line: string) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), boundMs);
  });
  try {
    const result = await Promise.race([stop().then(() => 'stopped' as const), timedOut]);
    if (result === 'timeout')
      log(`shutdown took longer than ${boundMs} ms; quitting anyway (the next start reaps leftovers)`);
  } catch (error) {
    log(`shutdown failed: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
