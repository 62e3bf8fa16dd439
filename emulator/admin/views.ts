import { poolSpecToArmResource, type SessionPoolProvisioningState } from '../config/arm-view.js';
import type { Emulator } from '../emulator.js';
import type { SessionPool } from '../pool/session-pool.js';
import type { EngineLimits } from '../pool/spec.js';
import type { EngineLimitsView, PoolDetail, PoolSummary, SessionRow } from './contract.js';

/** Engine objects → the contract's wire shapes. Secret values never leave through here. */

const PROVISIONING: Record<SessionPool['state'], SessionPoolProvisioningState> = {
  preparing: 'InProgress',
  ready: 'Succeeded',
  failed: 'Failed',
  deleting: 'Deleting',
};

export function poolSummary(emulator: Emulator, pool: SessionPool): PoolSummary {
  const { spec } = pool;
  const https = emulator.httpsUrl ? emulator.poolEndpoint(pool.name, 'https') : undefined;
  return {
    name: pool.name,
    state: pool.state,
    problem: pool.problem,
    generation: pool.generation,
    image: spec.container.image,
    counts: pool.counts(),
    lifecycle:
      spec.lifecycle.type === 'Timed'
        ? { type: 'Timed', cooldownSeconds: spec.lifecycle.cooldownMs / 1000 }
        : { type: 'OnContainerExit', maxAliveSeconds: spec.lifecycle.maxAliveMs / 1000 },
    subscriptionId: spec.subscriptionId,
    resourceGroup: spec.resourceGroup,
    endpoint: emulator.poolEndpoint(pool.name),
    ...(https ? { httpsEndpoint: https } : {}),
  };
}

export function poolDetail(emulator: Emulator, pool: SessionPool): PoolDetail {
  return {
    summary: poolSummary(emulator, pool),
    definition: poolSpecToArmResource(pool.spec, {
      poolManagementEndpoint: emulator.poolEndpoint(pool.name),
      provisioningState: PROVISIONING[pool.state],
    }),
  };
}

/** Allocated sessions, oldest first; warm (unallocated) ones are only counted in the summary. */
export function sessionRows(pool: SessionPool): SessionRow[] {
  const rows: SessionRow[] = [];
  for (const session of pool.allSessions()) {
    if (session.state !== 'allocated' || session.identifier === undefined) continue;
    const view = pool.view(session.identifier);
    if (!view) continue;
    rows.push({
      identifier: session.identifier,
      sessionId: session.id,
      state: session.state,
      createdAt: view.createdAt,
      lastAccessedAt: view.lastAccessedAt,
      expiresAt: session.inflight > 0 && pool.spec.lifecycle.type === 'Timed' ? null : view.expiresAt,
      requestCount: session.requestCount,
      inflight: session.inflight,
    });
  }
  return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function limitsView(limits: EngineLimits): EngineLimitsView {
  return { ...limits };
}
