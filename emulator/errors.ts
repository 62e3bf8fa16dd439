/**
 * Every failure the emulator reports to a client is an ApiError built by one of these factories.
 * The wire format (Azure's `{"error":{code,message,target}}` plus `x-ms-error-code`) is produced only
 * at the HTTP edge (`http/azure-error.ts`), so the engine never deals with HTTP details.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const Errors = {
  missingIdentifier: () =>
    new ApiError(
      400,
      'SessionRequestValidationFailed',
      "The query parameter 'identifier' is required.",
      'identifier',
    ),
  invalidIdentifier: (reason: string) =>
    new ApiError(400, 'SessionRequestValidationFailed', `The identifier is invalid: ${reason}`, 'identifier'),
  poolNotFound: (pool: string) =>
    new ApiError(404, 'SessionPoolNotFound', `Session pool '${pool}' was not found.`, 'sessionPoolName'),
  routeNotFound: (path: string) => new ApiError(404, 'NotFound', `No route matches '${path}'.`),
  sessionNotFound: (pool: string, identifier: string) =>
    new ApiError(
      404,
      'SessionNotFound',
      `Session '${identifier}' was not found in session pool '${pool}'.`,
      'identifier',
    ),
  capacityReached: (pool: string, max: number, status: number) =>
    new ApiError(
      status,
      'SessionPoolCapacityReached',
      `Session pool '${pool}' has reached its maximum of ${max} concurrent sessions; no more sessions are being allocated.`,
    ),
  allocationQueueFull: (pool: string, limit: number) =>
    new ApiError(
      503,
      'SessionAllocationQueueFull',
      `Session pool '${pool}' already holds ${limit} requests waiting for a session; try again later.`,
    ),
  allocationTimeout: (pool: string, ms: number) =>
    new ApiError(
      504,
      'SessionAllocationTimeout',
      `No session of pool '${pool}' became ready within ${ms} ms.`,
    ),
  sessionStartFailed: (pool: string, detail: string) =>
    new ApiError(502, 'SessionStartFailed', `A session of pool '${pool}' failed to start: ${detail}`),
  poolNotReady: (pool: string, detail: string) =>
    new ApiError(503, 'SessionPoolNotReady', `Session pool '${pool}' is not ready: ${detail}`),
  dockerUnavailable: (detail: string) =>
    new ApiError(
      503,
      'ContainerRuntimeUnavailable',
      `The container engine is not reachable (${detail}); the emulator retries on its own.`,
    ),
  upstreamConnectFailed: (pool: string, sessionId: string, detail: string) =>
    new ApiError(
      502,
      'SessionConnectionFailed',
      `Could not connect to session '${sessionId}' of pool '${pool}': ${detail}`,
    ),
  upstreamFailed: (pool: string, sessionId: string, detail: string) =>
    new ApiError(
      502,
      'SessionResponseFailed',
      `Session '${sessionId}' of pool '${pool}' failed while answering: ${detail}`,
    ),
  upstreamTimeout: (pool: string, sessionId: string, what: string, ms: number) =>
    new ApiError(
      504,
      'SessionResponseTimeout',
      `Session '${sessionId}' of pool '${pool}' did not ${what} within ${ms} ms.`,
    ),
  forbiddenFromSession: () =>
    new ApiError(403, 'Forbidden', 'Session containers may not call the emulator\'s own routes.'),
  shuttingDown: () => new ApiError(503, 'EmulatorShuttingDown', 'The emulator is shutting down.'),
};
