import type { SessionPoolResource } from '../config/arm-schema.js';
import { rememberDefinition } from '../config/arm-view.js';
import { definitionOf, sessionPoolToSpec } from '../config/normalize.js';
import type { Emulator } from '../emulator.js';
import type { SessionPool } from '../pool/session-pool.js';
import type { PoolSpec } from '../pool/spec.js';
import type { PoolPersistence, Undo } from '../store/persistence.js';
import { upgradeBody } from './api-version.js';
import { ArmError, ArmErrors, validationError } from './arm-errors.js';
import {
  carryEnvironmentId,
  checkImmutable,
  currentDefinition,
  dropStaleLifecycleField,
  isObject,
  keepSecretValues,
  withoutId,
  type Json,
} from './definitions.js';
import { mergePatch } from './merge-patch.js';
import type { Operation, OperationTracker } from './operations.js';

export interface PoolScope {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** What a write did; the routes turn it into status, headers and body. */
export interface WriteResult {
  status: 200 | 201 | 202 | 204;
  pool?: SessionPool;
  /** Present when the caller should poll (`Azure-AsyncOperation`, and `Location` for PATCH/DELETE). */
  operation?: Operation;
}

interface Candidate {
  spec: PoolSpec;
  definition: SessionPoolResource;
}

export interface PoolServiceOptions {
  emulator: Emulator;
  operations: OperationTracker;
  persistence?: PoolPersistence;
  /** Location of a pool whose body names none (ARM requires one; Sessionite does not). */
  defaultLocation: string;
  log(line: string): void;
}

/**
 * The writes of the ARM control plane. Order of every write, so that a rejected request changes
 * nothing: validate everything → persist (secrets, then the pool file) → touch the engine. If the
 * engine refuses (a racing writer from another host), the persisted change is undone. Writes to one
 * pool name are serialised; reads are not.
 */
export class SessionPoolService {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: PoolServiceOptions) {}

  private get emulator(): Emulator {
    return this.options.emulator;
  }

  /** The pool at this scope; pool names are unique in the emulator, so another scope's pool is "not found". */
  find(scope: PoolScope): SessionPool | undefined {
    const pool = this.emulator.getPool(scope.name);
    return pool && inScope(pool.spec, scope.subscriptionId, scope.resourceGroup) ? pool : undefined;
  }

  /** The pool of this name wherever it lives. */
  existing(name: string): SessionPool | undefined {
    return this.emulator.getPool(name);
  }

  list(subscriptionId: string, resourceGroup?: string): SessionPool[] {
    return this.emulator
      .listPools()
      .filter((pool) => inScope(pool.spec, subscriptionId, resourceGroup))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * `keepSecretValues`: a secret listed without a value keeps its current value (PATCH always does;
   * the dashboard's PUT does too). ARM's PUT does not: a full definition carries every value.
   */
  put(scope: PoolScope, body: unknown, apiVersion: string, options: { keepSecretValues?: boolean } = {}): Promise<WriteResult> {
    return this.exclusive(scope.name, async () => {
      const existing = this.existingOrConflict(scope);
      if (!isObject(body)) throw ArmErrors.invalidContent();
      let input = body;
      if (existing) {
        checkImmutable(body, existing.spec);
        input = carryEnvironmentId(body, existing.spec);
        if (options.keepSecretValues) keepSecretValues(input, existing.spec);
      }
      const candidate = this.validate(input, scope, existing);
      return existing
        ? this.replace(scope, existing, candidate, apiVersion, 200)
        : this.create(scope, candidate, apiVersion);
    });
  }

  patch(scope: PoolScope, body: unknown, apiVersion: string): Promise<WriteResult> {
    return this.exclusive(scope.name, async () => {
      const existing = this.find(scope);
      if (!existing) throw ArmErrors.resourceNotFound(scope.resourceGroup, scope.name);
      if (!isObject(body)) throw ArmErrors.invalidContent();
      const patch = upgradeBody(body);
      const merged = mergePatch(currentDefinition(existing.spec), patch) as Json;
      keepSecretValues(merged, existing.spec);
      dropStaleLifecycleField(merged, patch);
      checkImmutable(merged, existing.spec);
      const candidate = this.validate(merged, scope, existing);
      return this.replace(scope, existing, candidate, apiVersion, 202);
    });
  }

  delete(scope: PoolScope, apiVersion: string): Promise<WriteResult> {
    return this.exclusive(scope.name, async () => {
      const existing = this.find(scope);
      if (!existing) return { status: 204 };
      this.refuseWhileClosing();
      await this.options.persistence?.remove(scope.name);
      const operation = this.begin('delete', scope, existing, apiVersion, false);
      this.emulator.deletePool(scope.name).then(
        () => this.options.operations.finish(operation, 'Succeeded'),
        (error: unknown) => {
          this.options.log(`warning: deleting pool '${scope.name}' failed: ${messageOf(error)}`);
          this.options.operations.finish(operation, 'Failed', {
            status: 500,
            code: 'InternalServerError',
            message: `Session pool '${scope.name}' could not be deleted completely: ${messageOf(error)}`,
          });
        },
      );
      return { status: 202, operation };
    });
  }

  private validate(body: Json, scope: PoolScope, existing: SessionPool | undefined): Candidate {
    const placement = {
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
      location: existing?.spec.location ?? this.options.defaultLocation,
    };
    const result = sessionPoolToSpec(withoutId(body), scope.name, placement);
    if (!result.ok) throw validationError(result.issues);
    return { spec: result.spec, definition: result.definition };
  }

  private async create(scope: PoolScope, candidate: Candidate, apiVersion: string): Promise<WriteResult> {
    this.refuseWhileClosing();
    const undo = await this.persist(candidate);
    let pool: SessionPool;
    try {
      pool = this.emulator.createPool(candidate.spec);
    } catch {
      await undo();
      throw ArmErrors.nameInUse(scope.name, this.emulator.getPool(scope.name)?.spec.resourceGroup ?? scope.resourceGroup);
    }
    return { status: 201, pool, operation: this.begin('create', scope, pool, apiVersion, true) };
  }

  /**
   * A write that leaves what the engine runs unchanged (an idempotent redeploy, a tag change) does not
   * restart anything: it answers 200 at once, pointing at the pool's pending operation if one runs.
   */
  private async replace(
    scope: PoolScope,
    existing: SessionPool,
    candidate: Candidate,
    apiVersion: string,
    status: 200 | 202,
  ): Promise<WriteResult> {
    this.refuseWhileClosing();
    if (JSON.stringify(existing.spec) === JSON.stringify(candidate.spec)) {
      if (JSON.stringify(definitionOf(existing.spec)) !== JSON.stringify(candidate.definition)) {
        await this.persist({ spec: existing.spec, definition: candidate.definition });
        rememberDefinition(existing.spec, candidate.definition);
      }
      return { status: 200, pool: existing, operation: this.options.operations.pendingFor(existing) };
    }
    const undo = await this.persist(candidate);
    if (this.emulator.getPool(scope.name) !== existing) {
      await undo();
      throw ArmErrors.resourceNotFound(scope.resourceGroup, scope.name);
    }
    this.emulator.updatePool(candidate.spec).catch((error: unknown) => {
      this.options.log(`warning: updating pool '${scope.name}' failed: ${messageOf(error)}`);
    });
    return { status, pool: existing, operation: this.begin('update', scope, existing, apiVersion, true) };
  }

  private begin(
    kind: Operation['kind'],
    scope: PoolScope,
    pool: SessionPool,
    apiVersion: string,
    waitsForPool: boolean,
  ): Operation {
    return this.options.operations.begin({
      kind,
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
      poolName: scope.name,
      location: pool.spec.location,
      pool: waitsForPool ? pool : undefined,
      generation: pool.generation,
      apiVersion,
    });
  }

  /** A pool that cannot be stored is not created: the request fails with the reason, nothing changed. */
  private async persist(candidate: Candidate): Promise<Undo> {
    try {
      return (await this.options.persistence?.save(candidate.spec, candidate.definition)) ?? (async () => undefined);
    } catch (error) {
      throw new ArmError(500, 'InternalServerError', `Session pool '${candidate.spec.name}' could not be stored in the data folder: ${messageOf(error)}`);
    }
  }

  private existingOrConflict(scope: PoolScope): SessionPool | undefined {
    const pool = this.emulator.getPool(scope.name);
    if (!pool) return undefined;
    if (inScope(pool.spec, scope.subscriptionId, scope.resourceGroup)) return pool;
    throw ArmErrors.nameInUse(scope.name, pool.spec.resourceGroup);
  }

  private refuseWhileClosing(): void {
    if (this.emulator.state !== 'running') throw ArmErrors.shuttingDown();
  }

  private exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return run;
  }
}

/** Subscription ids and resource group names compare case-insensitively in ARM. */
function inScope(spec: PoolSpec, subscriptionId: string, resourceGroup?: string): boolean {
  if (spec.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) return false;
  return resourceGroup === undefined || spec.resourceGroup.toLowerCase() === resourceGroup.toLowerCase();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
