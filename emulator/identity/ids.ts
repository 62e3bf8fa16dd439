import { createHash } from 'node:crypto';

/** Role definition id of "Azure ContainerApps Session Executor". */
export const SESSION_EXECUTOR_ROLE_ID = '0fb8eba5-a2bb-4abe-b1c1-49dfad359bb0';
/** App-role value an emulator app registration may carry instead of an RBAC assignment. */
export const SESSION_EXECUTOR_APP_ROLE = 'SessionExecutor';

/** Tenant used when nothing names one (`sessionite token`, managed identities). */
export const DEFAULT_TENANT_ID = '5e5510e1-7e5a-4000-8000-000000000001';
/** Client id `sessionite token` uses when none is given. */
export const DEFAULT_CLIENT_ID = '5e5510e1-7e5a-4000-8000-0000000c11e7';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * A stable GUID derived from a name (RFC 9562 version 8, "custom"): the same client id always gets the
 * same object id, the same tenant name the same `tid`, across restarts and machines, so role
 * assignments written in a config file keep matching.
 */
export function derivedGuid(namespace: string, name: string): string {
  const b = createHash('sha256').update(`sessionite:${namespace}:${name}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Real tokens always carry the tenant's GUID, whatever alias the authority used (`common`, a domain
 * name). A GUID tenant is kept as is; any other tenant string maps to a stable derived GUID.
 */
export function tenantIdFor(tenant: string): string {
  return isGuid(tenant) ? tenant.toLowerCase() : derivedGuid('tenant', tenant.toLowerCase());
}

export function objectIdForClient(clientId: string): string {
  return derivedGuid('object', clientId.toLowerCase());
}

/** Tenant path segments the emulator serves: permissive, but never anything that could break a URL. */
const TENANT_SEGMENT = /^[A-Za-z0-9._-]{1,128}$/;

export function isValidTenantSegment(tenant: string): boolean {
  return TENANT_SEGMENT.test(tenant) && tenant !== '.' && tenant !== '..';
}

export const issuerV2 = (origin: string, tid: string): string => `${origin}/${tid}/v2.0`;
/** v1 tokens mirror `https://sts.windows.net/<tid>/`, but on the emulator's own origin. */
export const issuerV1 = (origin: string, tid: string): string => `${origin}/${tid}/`;

/** Host (with optional port) as it may appear in a Host header; anything else is refused. */
const HOST_HEADER = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export function isValidHostHeader(host: string): boolean {
  return host.length <= 255 && HOST_HEADER.test(host);
}

/**
 * Makes a claim value safe to quote in an error message: bounded length, no control characters.
 * Claims are attacker-controlled; the token itself is never quoted anywhere.
 */
export function safeText(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f"\\]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** `https://Example.io/` and `https://example.io` name the same audience. */
export function normalizeAudience(aud: string): string {
  const trimmed = aud.replace(/\/+$/, '');
  try {
    const url = new URL(trimmed);
    if (url.pathname === '/' && !url.search && !url.hash) return `${url.protocol}//${url.host}`;
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
  } catch {
    return trimmed.toLowerCase();
  }
}

/** An app id URI (`https://dynamicsessions.io`, `api://…`) or an application id GUID. */
export function isValidResource(resource: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!resource || resource.length > 512 || /[\s\u0000-\u001f"\\]/.test(resource)) return false;
  if (isGuid(resource)) return true;
  try {
    return /^[a-z][a-z0-9+.-]*:$/.test(new URL(resource).protocol);
  } catch {
    return false;
  }
}
