import type { AdminClient } from './api/client.js';
import type { Platform } from './platform/platform.js';

/**
 * The client and platform the stores use. `main.ts` installs the real ones; tests install fakes. This
 * is the seam that keeps stores free of `window` and of HTTP details.
 */
export interface Services {
  client: AdminClient;
  platform: Platform;
}

let current: Services | undefined;

export function installServices(services: Services): void {
  current = services;
}

function services(): Services {
  if (!current) throw new Error('services are not installed (call installServices first)');
  return current;
}

export function useClient(): AdminClient {
  return services().client;
}

export function usePlatform(): Platform {
  return services().platform;
}
