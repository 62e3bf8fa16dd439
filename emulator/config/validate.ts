import {
  sessionPoolResourceSchema,
  type DynamicPoolConfiguration,
  type SessionPoolProperties,
  type SessionPoolResource,
} from './arm-schema.js';
import { IssueList, issuesFromZod, joinPath, type ValidationIssue } from './issues.js';
import { POOL_BOUNDS, effectiveLifecycle, effectiveScale } from './pool-rules.js';
import { checkTemplate } from './validate-container.js';

/**
 * The real service's rules for a session pool definition. Every rule adds an issue instead of
 * throwing, so a user sees all problems of a definition at once. Types come first (zod): when a body
 * has wrongly typed fields, only those are reported, because the semantic rules need typed values.
 */

export type PoolCheck =
  { ok: true; pool: SessionPoolResource; issues: readonly [] } | { ok: false; issues: ValidationIssue[] };

/**
 * Pool names. Sources disagree: the REST spec's `sessionPoolName` path parameter says `^[a-z][a-z0-9]*$`,
 * 3–63 characters (SessionPools.json, all api-versions); the az CLI (`validate_container_app_name` in
 * azure-cli-extensions `_utils.py`) accepts `^[a-z]((?!.*--)[-a-z0-9]*[a-z0-9])?$`, at most 32, and
 * users create hyphenated pools through it. Sessionite accepts az's alphabet (hyphens, no `--`) within
 * the length both allow: 3–32.
 */
const POOL_NAME = /^[a-z](?!.*--)[-a-z0-9]{1,30}[a-z0-9]$/;

export function validatePoolName(name: string): ValidationIssue[] {
  if (POOL_NAME.test(name)) return [];
  return [
    {
      path: 'name',
      code: 'InvalidResourceName',
      rule:
        "must be 3–32 characters of lowercase letters, digits and '-', start with a letter, " +
        "end with a letter or digit, and not contain '--'",
    },
  ];
}

/** Types only: the body as ARM would deserialise it. */
export function parseSessionPool(body: unknown): PoolCheck {
  const parsed = sessionPoolResourceSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error) };
  return { ok: true, pool: parsed.data, issues: [] };
}

/** Name, types and rules together; `name` is the pool's name (from the URL or the file). */
export function checkSessionPool(body: unknown, name: string): PoolCheck {
  const nameIssues = validatePoolName(name);
  const parsed = parseSessionPool(body);
  if (!parsed.ok) return { ok: false, issues: [...nameIssues, ...parsed.issues] };
  const issues = [...nameIssues, ...validateSessionPool(parsed.pool, name)];
  return issues.length === 0 ? parsed : { ok: false, issues };
}

/** The semantic rules of a typed body. */
export function validateSessionPool(pool: SessionPoolResource, name: string): ValidationIssue[] {
  const issues = new IssueList();
  if (pool.name != null && pool.name !== name) {
    issues.add('name', 'InvalidParameterValue', `must match the pool name '${name}' when given`);
  }
  if (pool.location != null && pool.location.trim() === '') {
    issues.add('location', 'InvalidParameterValue', 'must not be empty when given');
  }
  const properties = pool.properties;
  checkEnvironmentId(properties.environmentId, issues);
  checkScale(properties, issues);
  checkLifecycle(properties.dynamicPoolConfiguration, issues);
  const secretNames = checkSecrets(properties, issues);
  if (checkPoolKind(properties, issues))
    checkTemplate(properties.customContainerTemplate, secretNames, issues);
  checkIdentities(pool, issues);
  return issues.items;
}

/** Sessionite runs Dynamic custom-container pools; the other kinds are reported as not supported yet. */
function checkPoolKind(properties: SessionPoolProperties, issues: IssueList): boolean {
  const containerType = properties.containerType ?? 'CustomContainer';
  if (properties.poolManagementType === 'Manual') {
    issues.add(
      'properties.poolManagementType',
      'SessionPoolFeatureNotSupported',
      "'Manual' is not supported: Sessionite manages pools dynamically ('Dynamic')",
    );
  }
  if (containerType !== 'CustomContainer') {
    issues.add(
      'properties.containerType',
      'SessionPoolFeatureNotSupported',
      `'${containerType}' is not supported yet: built-in code interpreter pools arrive later; use 'CustomContainer'`,
    );
    return false;
  }
  return true;
}

const ENVIRONMENT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.App\/managedEnvironments\/[^/]+$/i;

/** Optional locally (there is no environment to run in), but when given it must be an environment's id. */
function checkEnvironmentId(environmentId: string | null | undefined, issues: IssueList): void {
  if (environmentId == null || ENVIRONMENT_ID.test(environmentId)) return;
  issues.add(
    'properties.environmentId',
    'InvalidParameterValue',
    'must be the resource id of a Microsoft.App/managedEnvironments resource',
  );
}

/** Field report (reference §4): custom pools need `1 <= readySessionInstances < maxConcurrentSessions`. */
function checkScale(properties: SessionPoolProperties, issues: IssueList): void {
  const { maxConcurrentSessions, readySessionInstances } = effectiveScale(properties);
  const base = 'properties.scaleConfiguration';
  issues.range(`${base}.maxConcurrentSessions`, maxConcurrentSessions, POOL_BOUNDS.maxConcurrentSessions);
  if (readySessionInstances < 1 || readySessionInstances >= maxConcurrentSessions) {
    issues.add(
      `${base}.readySessionInstances`,
      'SessionPoolInvalidReadySessionInstances',
      `must be at least 1 and less than maxConcurrentSessions (${maxConcurrentSessions})`,
    );
  }
}

/**
 * Lifecycle rules, from the az CLI's create validation: a cooldown belongs to Timed, a max-alive period
 * to OnContainerExit, and the two cannot be set together. The legacy and current shapes cannot be mixed.
 */
function checkLifecycle(config: DynamicPoolConfiguration | null | undefined, issues: IssueList): void {
  const base = 'properties.dynamicPoolConfiguration';
  const current = config?.lifecycleConfiguration;
  if (current && (config.executionType != null || config.cooldownPeriodInSeconds != null)) {
    issues.add(
      base,
      'InvalidParameterValue',
      'must not mix lifecycleConfiguration with the pre-2025-01-01 executionType/cooldownPeriodInSeconds; use lifecycleConfiguration only',
    );
  }
  const lifecyclePath = `${base}.lifecycleConfiguration`;
  const hasCooldown = current?.cooldownPeriodInSeconds != null;
  const hasMaxAlive = current?.maxAlivePeriodInSeconds != null;
  if (current?.lifecycleType === 'Timed' && hasMaxAlive) {
    issues.add(
      `${lifecyclePath}.maxAlivePeriodInSeconds`,
      'InvalidParameterValue',
      "can only be set when lifecycleType is 'OnContainerExit'",
    );
  } else if (current?.lifecycleType === 'OnContainerExit' && hasCooldown) {
    issues.add(
      `${lifecyclePath}.cooldownPeriodInSeconds`,
      'InvalidParameterValue',
      "can only be set when lifecycleType is 'Timed'",
    );
  } else if (current?.lifecycleType == null && hasCooldown && hasMaxAlive) {
    issues.add(
      lifecyclePath,
      'InvalidParameterValue',
      'cannot set cooldownPeriodInSeconds and maxAlivePeriodInSeconds together',
    );
  }
  const lifecycle = effectiveLifecycle(config);
  const bounds =
    lifecycle.type === 'Timed' ? POOL_BOUNDS.cooldownPeriodInSeconds : POOL_BOUNDS.maxAlivePeriodInSeconds;
  issues.range(lifecycle.secondsPath, lifecycle.seconds, bounds, 'seconds');
}

/**
 * Secret names follow Container Apps' rule for secrets (lowercase alphanumerics, '-' and '.', starting
 * and ending alphanumeric); they must be unique and carry a value. Returns the defined names.
 */
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function checkSecrets(properties: SessionPoolProperties, issues: IssueList): Set<string> {
  const names = new Set<string>();
  (properties.secrets ?? []).forEach((secret, index) => {
    const path = joinPath('properties.secrets', index);
    if (!SECRET_NAME.test(secret.name)) {
      issues.add(
        `${path}.name`,
        'InvalidParameterValue',
        "must consist of lowercase letters, digits, '-' or '.', and start and end with a letter or digit",
      );
    }
    if (names.has(secret.name)) {
      issues.add(`${path}.name`, 'DuplicateName', `secret '${secret.name}' is defined more than once`);
    }
    names.add(secret.name);
    if (secret.value == null) {
      issues.add(
        `${path}.value`,
        'MissingRequiredParameter',
        'is required (ARM never returns secret values, so a pasted GET response needs them filled in)',
      );
    }
  });
  return names;
}

/**
 * `managedIdentitySettings[].identity` and `registryCredentials.identity` must name an identity assigned
 * to the pool: `system` needs a SystemAssigned identity, anything else must be a key of
 * `identity.userAssignedIdentities` (resource ids compare case-insensitively, as in ARM).
 */
function checkIdentities(pool: SessionPoolResource, issues: IssueList): void {
  const type = pool.identity?.type ?? 'None';
  const userIds = new Set(
    Object.keys(pool.identity?.userAssignedIdentities ?? {}).map((id) => id.toLowerCase()),
  );
  if (type.includes('UserAssigned') && userIds.size === 0) {
    issues.add(
      'identity.userAssignedIdentities',
      'MissingRequiredParameter',
      `is required when identity.type is '${type}'`,
    );
  }
  const assigned = (identity: string): boolean =>
    identity.toLowerCase() === 'system'
      ? type.includes('SystemAssigned')
      : userIds.has(identity.toLowerCase());
  const rule =
    "must be 'system' with a SystemAssigned pool identity, or a key of identity.userAssignedIdentities";
  const seen = new Set<string>();
  (pool.properties.managedIdentitySettings ?? []).forEach((setting, index) => {
    const path = joinPath('properties.managedIdentitySettings', index, 'identity');
    if (!assigned(setting.identity)) issues.add(path, 'InvalidParameterValue', rule);
    if (seen.has(setting.identity.toLowerCase())) {
      issues.add(path, 'DuplicateName', `identity '${setting.identity}' has more than one setting`);
    }
    seen.add(setting.identity.toLowerCase());
  });
  const registryIdentity = pool.properties.customContainerTemplate?.registryCredentials?.identity;
  if (registryIdentity != null && !assigned(registryIdentity)) {
    issues.add(
      'properties.customContainerTemplate.registryCredentials.identity',
      'InvalidParameterValue',
      rule,
    );
  }
}
