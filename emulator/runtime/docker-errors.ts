/**
 * Reading dockerode's errors. dockerode rejects with an `Error` that carries the HTTP status
 * (`statusCode`) and the engine's JSON body (`json.message`); its own `message` wraps that in
 * "(HTTP code 404) unexpected - … ", which is noise in a user-facing message. Socket-level failures
 * (engine down, socket missing) have no status but a Node error `code`.
 */

/** The engine could not be reached at all (as opposed to answering with an error). */
export class EngineUnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    detail: string,
  ) {
    super(`Docker engine not reachable at ${endpoint}: ${detail}`);
    this.name = 'EngineUnreachableError';
  }
}

const socketErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'EACCES',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

export function statusOf(err: unknown): number | undefined {
  const status = field(err, 'statusCode');
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words for a failure, without dockerode's "(HTTP code …)" wrapper. */
export function dockerMessage(err: unknown): string {
  const message = field(field(err, 'json'), 'message');
  if (typeof message === 'string' && message.trim() !== '') return message.trim();
  const raw = err instanceof Error ? err.message : String(err);
  return raw.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** True for failures to reach the engine: the request never got an HTTP answer. */
export function isUnreachable(err: unknown): boolean {
  if (statusOf(err) !== undefined) return false;
  const code = field(err, 'code');
  return typeof code === 'string' && socketErrorCodes.has(code);
}

/**
 * Rewraps an engine answer with what was being done, keeping "engine is down" recognisable. Errors
 * without an HTTP status are the runtime's own, already worded, and pass through unchanged.
 */
export function runtimeError(err: unknown, endpoint: string, doing: string): Error {
  if (err instanceof EngineUnreachableError) return err;
  if (isUnreachable(err)) return new EngineUnreachableError(endpoint, dockerMessage(err));
  if (statusOf(err) === undefined && err instanceof Error) return err;
  return new Error(`${doing}: ${dockerMessage(err)}`, { cause: err });
}

/** Runs `op`, turning the listed HTTP statuses (e.g. 404 "already gone") into `fallback`. */
export async function tolerate<T>(op: () => Promise<T>, statuses: number[], fallback: T): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const status = statusOf(err);
    if (status !== undefined && statuses.includes(status)) return fallback;
    throw err;
  }
}
