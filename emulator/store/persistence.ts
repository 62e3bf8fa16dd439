import type { SessionPoolResource } from '../config/arm-schema.js';
import { definitionOf, sessionPoolToSpec } from '../config/normalize.js';
import type { Emulator, EmulatorExtension } from '../emulator.js';
import type { TimedEvent } from '../events.js';
import type { PoolSpec } from '../pool/spec.js';
import { openSecretStore, type SecretStore, type SecretStorePreference } from '../secrets/secret-store.js';
import { SerialQueue } from './atomic-file.js';
import { loadPoolFile, writePoolFile, type StoredPool } from './pool-file.js';
import { resetStoredPools } from './reset.js';
import { fingerprint, joinSecrets, splitSecrets, storedPool } from './stored-definition.js';

export interface PoolPersistenceOptions {
  dataDir: string;
  log?: (line: string) => void;
  /** A ready store (tests), or the backend to pick (default: `$SESSIONITE_SECRET_STORE`, else auto). */
  secrets?: SecretStore | SecretStorePreference;
  /** Forget every stored pool and secret before restoring (`sessionite start --reset`). */
  reset?: boolean;
}

/** Undoes one `save`/`remove`, for a request that failed after it had been persisted. */
export type Undo = () => Promise<void>;

/**
 * Keeps pools created at run time (ARM, CLI, GUI) across restarts.
 *
 * Ownership rule: pools handed to the Emulator's constructor (the `--config` file) are owned by that
 * file. They are never stored; run-time changes to them last until the emulator stops, and at the next
 * start the file's definition is used again. A stored pool whose name the file now defines is dropped
 * (with its secrets) in favour of the file's. Every other pool is stored when it is created or changed
 * and forgotten when it is deleted; shutdown does not delete anything.
 *
 * Writes are serialised and idempotent (a save equal to the stored one writes nothing), so the ARM
 * routes can save explicitly before they touch the engine, and the event listener that catches pools
 * created by other hosts (GUI, admin API) can save the same pool again harmlessly.
 */
export class PoolPersistence implements EmulatorExtension {
  private readonly queue = new SerialQueue();
  private readonly records = new Map<string, StoredPool>();
  private readonly fingerprints = new Map<string, string>();
  private readonly warned = new Set<string>();
  private seeded = new Set<string>();
  private secretStore?: SecretStore;
  private unsubscribe?: () => void;
  private emulator?: Emulator;

  constructor(private readonly options: PoolPersistenceOptions) {}

  mount(): void {}

  async start(emulator: Emulator): Promise<void> {
    this.emulator = emulator;
    this.secretStore = await this.openSecrets();
    if (this.options.reset) await this.clear();
    this.seeded = new Set(emulator.listPools().map((pool) => pool.name));
    await this.restore(emulator);
    this.unsubscribe = emulator.events.subscribe((event) => this.onEvent(event));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.queue.idle();
  }

  /** True for pools owned by the config file: they are not stored. */
  isSeeded(name: string): boolean {
    return this.seeded.has(name);
  }

  /** Names of the pools currently stored. */
  storedNames(): string[] {
    return [...this.records.keys()];
  }

  /**
   * Stores a pool's definition: secret values first, then the plain file, so the file never names a
   * pool whose secrets are missing. Resolves with the function that restores the previous state.
   */
  save(spec: PoolSpec, definition: SessionPoolResource): Promise<Undo> {
    const noop: Undo = async () => undefined;
    if (this.isSeeded(spec.name) || !this.secretStore) return Promise.resolve(noop);
    return this.queue.run(async () => {
      const { plain, secrets } = splitSecrets(definition);
      const previous = this.records.get(spec.name);
      const record = storedPool(spec, plain, this.now(), previous);
      const print = fingerprint(record, secrets);
      if (this.fingerprints.get(spec.name) === print) return noop;
      const previousSecrets = previous ? await this.store().get(spec.name) : undefined;
      await this.write(record, secrets, print);
      return () => this.queue.run(() => this.restoreEntry(spec.name, previous, previousSecrets));
    });
  }

  /** Forgets a pool: the file entry first, then its secrets. */
  remove(name: string): Promise<Undo> {
    const noop: Undo = async () => undefined;
    if (this.isSeeded(name) || !this.secretStore) return Promise.resolve(noop);
    return this.queue.run(async () => {
      const previous = this.records.get(name);
      if (!previous) return noop;
      const previousSecrets = await this.store().get(name);
      await this.restoreEntry(name, undefined, undefined);
      return () => this.queue.run(() => this.restoreEntry(name, previous, previousSecrets));
    });
  }

  private async write(record: StoredPool, secrets: Record<string, string>, print: string): Promise<void> {
    const previous = this.records.get(record.name);
    await this.store().set(record.name, secrets);
    this.records.set(record.name, record);
    try {
      await writePoolFile(this.options.dataDir, [...this.records.values()]);
    } catch (error) {
      if (previous) this.records.set(record.name, previous);
      else this.records.delete(record.name);
      throw error;
    }
    this.fingerprints.set(record.name, print);
  }

  /** Puts one entry back to a known state (present with these secrets, or absent). */
  private async restoreEntry(
    name: string,
    record: StoredPool | undefined,
    secrets: Record<string, string> | undefined,
  ): Promise<void> {
    if (record) {
      await this.write(record, secrets ?? {}, fingerprint(record, secrets ?? {}));
      return;
    }
    this.records.delete(name);
    this.fingerprints.delete(name);
    await writePoolFile(this.options.dataDir, [...this.records.values()]);
    await this.store().delete(name);
  }

  private async openSecrets(): Promise<SecretStore> {
    const choice = this.options.secrets;
    if (typeof choice === 'object') return choice;
    const opened = await openSecretStore({ dataDir: this.options.dataDir, prefer: choice });
    this.log(opened.message);
    return opened.store;
  }

  /** `--reset`: the pool file, this store, and the other backend too (the backend may have changed). */
  private async clear(): Promise<void> {
    await this.store().clear();
    const { pools } = await resetStoredPools(this.options.dataDir);
    this.log(`reset: forgot ${pools.length} pool(s) created at run time, and their secrets`);
  }

  private async restore(emulator: Emulator): Promise<void> {
    const loaded = await loadPoolFile(this.options.dataDir, this.now());
    for (const problem of loaded.problems) this.log(`warning: ${problem}`);
    let dropped = false;
    for (const record of loaded.pools) {
      if (this.seeded.has(record.name)) {
        this.log(`pool '${record.name}': the config file defines it, so its stored copy is discarded`);
        await this.store().delete(record.name);
        dropped = true;
        continue;
      }
      await this.restoreOne(emulator, record);
    }
    if (dropped) await writePoolFile(this.options.dataDir, [...this.records.values()]);
    // Secrets whose pool is gone (a crash between the two writes of a save or a removal).
    for (const name of await this.store().pools()) {
      if (!this.records.has(name)) await this.store().delete(name);
    }
    if (this.records.size > 0) this.log(`restored ${this.records.size} pool(s) created at run time`);
  }

  /**
   * A stored pool that no longer validates (rules tightened, secret missing from the keychain) stays in
   * the file untouched but is not started; the warning names the problems, never a value.
   */
  private async restoreOne(emulator: Emulator, record: StoredPool): Promise<void> {
    const secrets = (await this.store().get(record.name)) ?? {};
    const body = joinSecrets(record.definition, secrets);
    const placement = {
      subscriptionId: record.subscriptionId,
      resourceGroup: record.resourceGroup,
      location: record.location,
    };
    const result = sessionPoolToSpec(body, record.name, placement);
    this.records.set(record.name, record);
    if (!result.ok) {
      const problems = result.issues.map((issue) => `${issue.path}: ${issue.rule}`).join('; ');
      this.log(`warning: stored pool '${record.name}' is not valid any more and was not started: ${problems}`);
      return;
    }
    emulator.createPool(result.spec);
    this.fingerprints.set(record.name, fingerprint(record, secrets));
  }

  private onEvent(event: TimedEvent): void {
    if (event.type !== 'pool.created' && event.type !== 'pool.updated' && event.type !== 'pool.deleted') return;
    if (this.isSeeded(event.pool)) return;
    const failed = (error: unknown): void =>
      this.log(`warning: could not store pool '${event.pool}': ${error instanceof Error ? error.message : String(error)}`);
    if (event.type === 'pool.deleted') {
      this.remove(event.pool).catch(failed);
      return;
    }
    const pool = this.emulator?.getPool(event.pool);
    const definition = pool && definitionOf(pool.spec);
    if (!pool || !definition) {
      if (pool && !this.warned.has(event.pool)) this.log(`pool '${event.pool}' has no ARM definition; it is not stored`);
      this.warned.add(event.pool);
      return;
    }
    this.save(pool.spec, definition).catch(failed);
  }

  private store(): SecretStore {
    if (!this.secretStore) throw new Error('pool persistence used before start');
    return this.secretStore;
  }

  private now(): Date {
    return new Date(this.emulator?.clock.now() ?? Date.now());
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
