import type { Operation } from './operations.js';

/** ARM resource ids and the polling URLs of operations. Every polling URL is absolute. */

export const PROVIDER = 'Microsoft.App';

export function poolResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${PROVIDER}/sessionPools/${name}`;
}

function operationsBase(op: Operation): string {
  return `/subscriptions/${op.subscriptionId}/providers/${PROVIDER}/locations/${encodeURIComponent(op.location)}`;
}

/** `Azure-AsyncOperation`: the status resource `{id,name,status,startTime,endTime,error}`. */
export function operationStatusPath(op: Operation): string {
  return `${operationsBase(op)}/sessionPoolOperationStatuses/${op.id}`;
}

/** `Location`: 202 while running, then the result (200 with the pool, or 204 for a delete). */
export function operationResultPath(op: Operation): string {
  return `${operationsBase(op)}/sessionPoolOperationResults/${op.id}`;
}

/** Absolute, on the origin the request came in on, with the request's api-version. */
export function absoluteUrl(origin: string, path: string, apiVersion: string): string {
  return `${origin}${path}?api-version=${encodeURIComponent(apiVersion)}`;
}
