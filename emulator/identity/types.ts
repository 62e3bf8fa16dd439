/**
 * Configuration shapes of the identity module, shared by the token service, the verifier and the
 * factory in `index.ts`.
 */

/** strict: only emulator-signed tokens; basic: also unexpired real-Entra tokens (unsigned check); off: no checks. */
export type AuthMode = 'strict' | 'basic' | 'off';

/**
 * An app registration. When at least one is configured, only registered client ids get tokens, and
 * they must prove themselves with the registered secret or certificate.
 */
export interface AppRegistration {
  clientId: string;
  secret?: string;
  /** PEM of the client certificate(s) whose key signs `client_assertion` JWTs. */
  certificatePem?: string;
  /** Defaults to a GUID derived from the client id. */
  objectId?: string;
  /** App roles put into the token's `roles` claim (e.g. `SessionExecutor`). */
  roles?: string[];
}

/**
 * Who holds "Azure ContainerApps Session Executor" on the emulator's pools. When this is set, data-plane
 * callers without the role get 403; when it is absent, every authenticated caller may use the pools.
 */
export interface RoleAssignments {
  /** Object ids (`oid`) or client/app ids (`appid`/`azp`) of principals holding the role; `*` = everyone. */
  sessionExecutors: string[];
}
