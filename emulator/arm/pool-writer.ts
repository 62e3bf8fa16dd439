import type { PoolWriter, PutPoolResult } from '../admin/pool-writer.js';
import { DEFAULT_RESOURCE_GROUP, DEFAULT_SUBSCRIPTION_ID } from '../config/file-schema.js';
import type { ValidationIssue } from '../config/issues.js';
import { ApiError } from '../errors.js';
import { DEFAULT_API_VERSION } from './api-version.js';
import { ArmValidationError } from './arm-errors.js';
import type { PoolScope, SessionPoolService } from './pool-service.js';

export type ArmPoolWriter = PoolWriter;

/**
 * The dashboard's pool writes, through the ARM service: the same rules (immutable fields included),
 * persistence before the engine, no restart on an unchanged save, and operations the ARM API can show.
 * New pools go to the default subscription and resource group, as the config file's do.
 */
export function armPoolWriter(service: SessionPoolService): ArmPoolWriter {
  const scopeOf = (name: string): PoolScope => {
    const existing = service.existing(name);
    return existing
      ? { subscriptionId: existing.spec.subscriptionId, resourceGroup: existing.spec.resourceGroup, name }
      : { subscriptionId: DEFAULT_SUBSCRIPTION_ID, resourceGroup: DEFAULT_RESOURCE_GROUP, name };
  };
  return {
    async put(name, definition, { createOnly }): Promise<PutPoolResult> {
      if (createOnly && service.existing(name)) return { ok: false, reason: 'exists' };
      try {
        const result = await service.put(scopeOf(name), definition, DEFAULT_API_VERSION, { keepSecretValues: true });
        if (!result.pool) throw new Error(`pool '${name}' vanished while it was written`);
        return { ok: true, created: result.status === 201, pool: result.pool };
      } catch (error) {
        if (error instanceof ArmValidationError) return { ok: false, reason: 'invalid', issues: [...error.issues] };
        if (error instanceof ApiError && error.status === 400) return { ok: false, reason: 'invalid', issues: [asIssue(error)] };
        if (error instanceof ApiError && error.status === 409) return { ok: false, reason: 'exists' };
        throw error;
      }
    },
    async delete(name) {
      if (!service.existing(name)) return false;
      return (await service.delete(scopeOf(name), DEFAULT_API_VERSION)).status === 202;
    },
  };
}

function asIssue(error: ApiError): ValidationIssue {
  return { path: error.target ?? '', code: 'InvalidParameterValue', rule: error.message };
}
