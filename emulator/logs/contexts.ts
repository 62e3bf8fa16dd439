/**
 * What every console line of one container shares (pool, session identifier, container, image,
 * resource id). Console records point at a context instead of repeating six strings, which keeps
 * a million records small, makes pool/identifier filters an integer test, and lets the identifier
 * be filled in once the session is allocated: the lines a pre-warmed container printed before
 * allocation (its start-up banner) then belong to the session too, as they do in Azure, where a
 * session's container and its identifier are one thing.
 */
export interface LogContext {
  readonly id: number;
  /** The key; '' for Sessionite's own notes (retention). */
  readonly containerId: string;
  pool: string;
  identifier: string;
  containerName: string;
  image: string;
  resourceId: string;
}

export type ContextFields = Omit<LogContext, 'id'>;

/** Console columns that are context attributes, so an equality hint resolves to a set of contexts. */
const CONTEXT_COLUMNS: Readonly<Record<string, keyof ContextFields>> = {
  SessionPoolName_s: 'pool',
  SessionId_s: 'identifier',
  ContainerId_s: 'containerId',
  ContainerName_s: 'containerName',
  ContainerImage_s: 'image',
  _ResourceId: 'resourceId',
};

export class ContextTable {
  readonly all: LogContext[] = [];
  private readonly byContainer = new Map<string, LogContext>();

  get(containerId: string): LogContext | undefined {
    return this.byContainer.get(containerId);
  }

  /** The container's context, created or updated (empty fields never overwrite known ones). */
  ensure(fields: ContextFields): LogContext {
    const existing = this.byContainer.get(fields.containerId);
    if (!existing) {
      const context: LogContext = { id: this.all.length, ...fields };
      this.all.push(context);
      this.byContainer.set(fields.containerId, context);
      return context;
    }
    for (const key of ['pool', 'identifier', 'containerName', 'image', 'resourceId'] as const) {
      if (fields[key] !== '') existing[key] = fields[key];
    }
    return existing;
  }

  /**
   * Contexts allowed by the equality hints on context columns: undefined when no such hint exists
   * (every context passes), otherwise a byte per context id (1 = passes).
   */
  mask(equals: ReadonlyMap<string, string>): Uint8Array | undefined {
    let mask: Uint8Array | undefined;
    for (const [column, value] of equals) {
      const field = CONTEXT_COLUMNS[column];
      if (field === undefined) continue;
      if (!mask) mask = new Uint8Array(this.all.length).fill(1);
      for (const context of this.all) if (context[field] !== value) mask[context.id] = 0;
    }
    return mask;
  }
}

/** `/subscriptions/…/resourcegroups/…/providers/microsoft.app/sessionpools/<pool>`, lower case as Log Analytics stores `_ResourceId`. */
export function poolResourceId(subscriptionId: string, resourceGroup: string, pool: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/sessionPools/${pool}`.toLowerCase();
}
