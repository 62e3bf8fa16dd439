import { readFile } from 'node:fs/promises';
import { parseDocument, type YAMLError } from 'yaml';
import { defaultEngineLimits, type EngineLimits, type PoolSpec } from '../pool/spec.js';
import type { SessionPoolResource } from './arm-schema.js';
import {
  DEFAULT_LOCATION,
  DEFAULT_RESOURCE_GROUP,
  DEFAULT_SUBSCRIPTION_ID,
  configFileSchema,
  resourceGroupSchema,
  subscriptionIdSchema,
  type AuthFileSettings,
} from './file-schema.js';
import { issuesFromZod, type ValidationIssue } from './issues.js';
import { normalizeSessionPool, type PoolPlacement } from './normalize.js';
import { parseSessionPool, validatePoolName, validateSessionPool } from './validate.js';

/**
 * Loads `sessionite.yaml` / `.json`: `{ subscriptionId?, resourceGroup?, location?, limits?, pools: [ARM
 * bodies] }`. Everything wrong with the file is collected and thrown as one `ConfigError`, whose message
 * lists one problem per line (`pool 'name': <path>: <rule>`, or `<file>: <field>: <rule>` for the
 * envelope, or `<file>:<line>:<column>: …` for syntax), ready for the CLI to print before exiting non-zero.
 */

export interface FileDefaults {
  /** Default `00000000-0000-0000-0000-000000000000`. */
  subscriptionId: string;
  /** Default `sessionite`. */
  resourceGroup: string;
  /** Default `local`. */
  location: string;
}

export interface EmulatorFileConfig {
  defaults: FileDefaults;
  limits: EngineLimits;
  /** The `auth` section as written (mode, app registrations, role assignments). */
  auth: AuthFileSettings;
  pools: PoolSpec[];
  /** The validated ARM bodies, in the order of `pools` (secret values included: keep them server-side). */
  definitions: SessionPoolResource[];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration file ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export async function loadConfigFile(path: string): Promise<EmulatorFileConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [`${path}: cannot be read: ${reason}`]);
  }
  return parseConfigText(text, path);
}

/** The same as `loadConfigFile` for text already in memory; `file` names it in messages. */
export function parseConfigText(text: string, file: string): EmulatorFileConfig {
  const raw = parseYaml(text, file);
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [`${file}: is empty; expected an object with a 'pools' list`]);
  }
  const envelope = configFileSchema.safeParse(raw, { reportInput: true });
  if (!envelope.success) {
    throw new ConfigError(
      file,
      issuesFromZod(envelope.error).map((issue) => formatProblem(file, issue)),
    );
  }
  const { subscriptionId, resourceGroup, location, limits, auth = {}, pools = [] } = envelope.data;
  const defaults: FileDefaults = {
    subscriptionId: subscriptionId ?? DEFAULT_SUBSCRIPTION_ID,
    resourceGroup: resourceGroup ?? DEFAULT_RESOURCE_GROUP,
    location: location ?? DEFAULT_LOCATION,
  };
  const loaded = loadPools(pools, defaults);
  if (loaded.problems.length > 0) throw new ConfigError(file, loaded.problems);
  return {
    defaults,
    limits: mergeLimits(limits ?? {}),
    auth,
    pools: loaded.pools,
    definitions: loaded.definitions,
  };
}

/** YAML 1.2 is a superset of JSON, so one parser serves both; duplicate keys are errors in either. */
function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((error) => formatYamlError(file, error)),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Alias expansion beyond maxAliasCount ("billion laughs") ends up here.
    throw new ConfigError(file, [`${file}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/**
 * `file:line:column: summary`. The parser's source excerpt and quoted token text are dropped: the
 * offending line may be a secret's value.
 */
function formatYamlError(file: string, error: YAMLError): string {
  const summary =
    error.code === 'MULTIPLE_DOCS'
      ? "holds more than one YAML document ('---'); put everything into one"
      : (error.message.split('\n')[0] ?? error.message)
          .replace(/ at line \d+, column \d+:?$/, '')
          .replace(/: ".*"$/, '');
  const position = error.linePos?.[0];
  return position ? `${file}:${position.line}:${position.col}: ${summary}` : `${file}: ${summary}`;
}

function formatProblem(prefix: string, issue: ValidationIssue): string {
  return issue.path === '' ? `${prefix}: ${issue.rule}` : `${prefix}: ${issue.path}: ${issue.rule}`;
}

/** The envelope schema rejects `null`, so every key present in `limits` carries a number. */
function mergeLimits(limits: Partial<EngineLimits>): EngineLimits {
  return { ...defaultEngineLimits, ...limits };
}

interface LoadedPools {
  pools: PoolSpec[];
  definitions: SessionPoolResource[];
  problems: string[];
}

function loadPools(entries: readonly unknown[], defaults: FileDefaults): LoadedPools {
  const result: LoadedPools = { pools: [], definitions: [], problems: [] };
  const firstIndexOf = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!isObject(entry)) {
      result.problems.push(
        `pool #${index + 1}: must be an object (a Microsoft.App/sessionPools resource body)`,
      );
      return;
    }
    const name = typeof entry.name === 'string' ? entry.name : undefined;
    const label = name !== undefined ? `pool '${name}'` : `pool #${index + 1}`;
    // A name of the wrong type is reported by the schema check below.
    const issues = name !== undefined ? validatePoolName(name) : entry.name == null ? [nameRequired()] : [];
    if (name !== undefined && firstIndexOf.has(name)) {
      const first = (firstIndexOf.get(name) ?? 0) + 1;
      issues.push({
        path: 'name',
        code: 'DuplicateName',
        rule: `is used by pools #${first} and #${index + 1}; pool names must be unique`,
      });
    } else if (name !== undefined) {
      firstIndexOf.set(name, index);
    }
    const parsed = parseSessionPool(entry);
    const placement = resolvePlacement(entry, parsed.ok ? parsed.pool : undefined, defaults, issues);
    if (parsed.ok) issues.push(...validateSessionPool(parsed.pool, name ?? ''));
    else issues.push(...parsed.issues);
    if (issues.length > 0) {
      result.problems.push(...issues.map((issue) => formatProblem(label, issue)));
      return;
    }
    if (!parsed.ok || name === undefined) return;
    result.pools.push(normalizeSessionPool(parsed.pool, name, placement));
    result.definitions.push(parsed.pool);
  });
  return result;
}

function nameRequired(): ValidationIssue {
  return { path: 'name', code: 'MissingRequiredParameter', rule: 'is required: every pool needs a name' };
}

const POOL_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/sessionPools\/([^/]+)$/i;

/**
 * Where a pool lives: the entry's own `subscriptionId` / `resourceGroup` keys (a file-format extension,
 * as ARM takes them from the URL), else its `id` (as in a pasted GET response), else the file defaults.
 */
function resolvePlacement(
  entry: Record<string, unknown>,
  pool: SessionPoolResource | undefined,
  defaults: FileDefaults,
  issues: ValidationIssue[],
): PoolPlacement {
  const fromId = pool?.id != null ? POOL_ID.exec(pool.id) : null;
  if (pool?.id != null && !fromId) {
    issues.push({
      path: 'id',
      code: 'InvalidParameterValue',
      rule: 'must be a Microsoft.App/sessionPools resource id',
    });
  } else if (fromId && typeof entry.name === 'string' && fromId[3] !== entry.name) {
    issues.push({
      path: 'id',
      code: 'InvalidParameterValue',
      rule: `must end in the pool's name '${entry.name}'`,
    });
  }
  const subscriptionId = placementValue(entry, 'subscriptionId', subscriptionIdSchema, fromId?.[1], issues);
  const resourceGroup = placementValue(entry, 'resourceGroup', resourceGroupSchema, fromId?.[2], issues);
  return {
    subscriptionId: subscriptionId ?? defaults.subscriptionId,
    resourceGroup: resourceGroup ?? defaults.resourceGroup,
    location: defaults.location,
  };
}

function placementValue(
  entry: Record<string, unknown>,
  key: 'subscriptionId' | 'resourceGroup',
  schema: typeof subscriptionIdSchema,
  fromId: string | undefined,
  issues: ValidationIssue[],
): string | undefined {
  const value = entry[key] ?? fromId;
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const path = entry[key] !== undefined ? key : 'id';
  issues.push(...issuesFromZod(parsed.error, path));
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
