import type {
  CustomContainerTemplate,
  RegistryCredentialsDefinition,
  SessionContainer,
  SessionProbe,
} from './arm-schema.js';
import { IssueList, joinPath } from './issues.js';
import { POOL_BOUNDS, parseMemory, withinBounds } from './pool-rules.js';

/** Rules for `properties.customContainerTemplate`: one container, its resources, env, probes, ingress, registry. */

const TEMPLATE = 'properties.customContainerTemplate';

export function checkTemplate(
  template: CustomContainerTemplate | null | undefined,
  secretNames: ReadonlySet<string>,
  issues: IssueList,
): void {
  if (!template) {
    issues.add(TEMPLATE, 'MissingRequiredParameter', 'is required for CustomContainer pools');
    return;
  }
  const containers = template.containers ?? [];
  if (containers.length !== 1) {
    issues.add(
      `${TEMPLATE}.containers`,
      containers.length === 0 ? 'MissingRequiredParameter' : 'InvalidParameterValue',
      `must hold exactly one container: custom container pools run one container per session (found ${containers.length})`,
    );
  }
  containers.forEach((container, index) =>
    checkContainer(container, joinPath(`${TEMPLATE}.containers`, index), secretNames, issues),
  );
  const targetPort = template.ingress?.targetPort;
  if (targetPort == null) {
    issues.add(
      `${TEMPLATE}.ingress.targetPort`,
      'MissingRequiredParameter',
      'is required for CustomContainer pools',
    );
  } else {
    issues.range(`${TEMPLATE}.ingress.targetPort`, targetPort, POOL_BOUNDS.port);
  }
  if (template.registryCredentials) {
    checkRegistry(template.registryCredentials, `${TEMPLATE}.registryCredentials`, secretNames, issues);
  }
}

function checkContainer(
  container: SessionContainer,
  path: string,
  secretNames: ReadonlySet<string>,
  issues: IssueList,
): void {
  const image = container.image?.trim() ?? '';
  if (image === '') {
    issues.add(
      `${path}.image`,
      'MissingRequiredParameter',
      'is required: the image every session of the pool runs',
    );
  } else if (/\s/.test(image)) {
    issues.add(`${path}.image`, 'InvalidParameterValue', 'must be an image reference without spaces');
  }
  if (container.name != null && container.name.trim() === '') {
    issues.add(`${path}.name`, 'InvalidParameterValue', 'must not be empty when given');
  }
  const cpu = container.resources?.cpu;
  issues.range(`${path}.resources.cpu`, cpu, POOL_BOUNDS.cpu, 'cores');
  const memory = container.resources?.memory;
  if (memory != null) checkMemory(memory, `${path}.resources.memory`, issues);
  checkEnv(container, path, secretNames, issues);
  (container.probes ?? []).forEach((probe, index) =>
    checkProbe(probe, joinPath(`${path}.probes`, index), issues),
  );
  checkProbeTypesUnique(container.probes ?? [], `${path}.probes`, issues);
}

function checkMemory(memory: string, path: string, issues: IssueList): void {
  const bytes = parseMemory(memory);
  if (bytes === undefined) {
    issues.add(path, 'InvalidParameterValue', "must be a quantity such as '0.5Gi', '512Mi' or '1G'");
  } else if (!withinBounds(bytes, POOL_BOUNDS.memoryBytes)) {
    issues.add(path, 'InvalidParameterValue', 'must be between 0.5Gi and 4Gi');
  }
}

/** Each entry has a non-empty, unique name and exactly one of `value` / `secretRef`, which names a secret. */
function checkEnv(
  container: SessionContainer,
  path: string,
  secretNames: ReadonlySet<string>,
  issues: IssueList,
): void {
  const seen = new Set<string>();
  (container.env ?? []).forEach((entry, index) => {
    const entryPath = joinPath(`${path}.env`, index);
    if (entry.name.trim() === '')
      issues.add(`${entryPath}.name`, 'InvalidParameterValue', 'must not be empty');
    else if (seen.has(entry.name)) {
      issues.add(
        `${entryPath}.name`,
        'DuplicateName',
        `'${entry.name}' is already defined in this container's env`,
      );
    }
    seen.add(entry.name);
    const hasValue = entry.value != null;
    const hasRef = entry.secretRef != null;
    if (hasValue === hasRef) {
      issues.add(entryPath, 'InvalidParameterValue', 'must set exactly one of value or secretRef');
    } else if (hasRef && !secretNames.has(entry.secretRef ?? '')) {
      issues.add(
        `${entryPath}.secretRef`,
        'SecretRefNotFound',
        `names secret '${entry.secretRef ?? ''}', which is not defined in properties.secrets`,
      );
    }
  });
}

function checkProbe(probe: SessionProbe, path: string, issues: IssueList): void {
  if (probe.type == null) {
    issues.add(`${path}.type`, 'MissingRequiredParameter', "is required: 'Liveness' or 'Startup'");
  }
  if ((probe.httpGet == null) === (probe.tcpSocket == null)) {
    issues.add(path, 'InvalidParameterValue', 'must set exactly one of httpGet or tcpSocket');
  }
  if (probe.httpGet) {
    issues.range(`${path}.httpGet.port`, probe.httpGet.port, POOL_BOUNDS.port);
    const probePath = probe.httpGet.path;
    if (probePath != null && !probePath.startsWith('/')) {
      issues.add(`${path}.httpGet.path`, 'InvalidParameterValue', "must start with '/'");
    }
    (probe.httpGet.httpHeaders ?? []).forEach((header, index) => {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header.name)) {
        issues.add(
          joinPath(`${path}.httpGet.httpHeaders`, index, 'name'),
          'InvalidParameterValue',
          'must be an HTTP header name',
        );
      }
    });
  }
  if (probe.tcpSocket) issues.range(`${path}.tcpSocket.port`, probe.tcpSocket.port, POOL_BOUNDS.port);
  issues.range(`${path}.failureThreshold`, probe.failureThreshold, POOL_BOUNDS.failureThreshold);
  issues.range(
    `${path}.initialDelaySeconds`,
    probe.initialDelaySeconds,
    POOL_BOUNDS.initialDelaySeconds,
    'seconds',
  );
  issues.range(`${path}.periodSeconds`, probe.periodSeconds, POOL_BOUNDS.periodSeconds, 'seconds');
  issues.range(`${path}.timeoutSeconds`, probe.timeoutSeconds, POOL_BOUNDS.timeoutSeconds, 'seconds');
  issues.range(
    `${path}.successThreshold`,
    probe.successThreshold,
    POOL_BOUNDS.successThreshold,
    'for liveness and startup probes',
  );
  issues.range(
    `${path}.terminationGracePeriodSeconds`,
    probe.terminationGracePeriodSeconds,
    POOL_BOUNDS.terminationGracePeriodSeconds,
    'seconds',
  );
}

/** Spec: "Type must be unique for each probe within the context of a list of probes". */
function checkProbeTypesUnique(probes: readonly SessionProbe[], path: string, issues: IssueList): void {
  const seen = new Set<string>();
  probes.forEach((probe, index) => {
    if (probe.type == null) return;
    if (seen.has(probe.type)) {
      issues.add(
        joinPath(path, index, 'type'),
        'DuplicateName',
        `only one ${probe.type} probe is allowed per container`,
      );
    }
    seen.add(probe.type);
  });
}

/**
 * A registry needs a server (`server`, or the 2024-02-02-preview `registryServer`). Username and
 * `passwordSecretRef` come as a pair; `identity` may replace them.
 */
function checkRegistry(
  registry: RegistryCredentialsDefinition,
  path: string,
  secretNames: ReadonlySet<string>,
  issues: IssueList,
): void {
  const { server, registryServer } = registry;
  if ((server ?? registryServer ?? '').trim() === '') {
    issues.add(`${path}.server`, 'MissingRequiredParameter', 'is required when registryCredentials is given');
  } else if (server != null && registryServer != null && server !== registryServer) {
    issues.add(
      `${path}.registryServer`,
      'InvalidParameterValue',
      'differs from server; registryServer is the old name of server, set only one',
    );
  }
  const hasUser = registry.username != null;
  const hasPassword = registry.passwordSecretRef != null;
  if (hasUser && !hasPassword) {
    issues.add(`${path}.passwordSecretRef`, 'MissingRequiredParameter', 'is required when username is given');
  }
  if (hasPassword && !hasUser) {
    issues.add(`${path}.username`, 'MissingRequiredParameter', 'is required when passwordSecretRef is given');
  }
  if (hasPassword && !secretNames.has(registry.passwordSecretRef ?? '')) {
    issues.add(
      `${path}.passwordSecretRef`,
      'SecretRefNotFound',
      `names secret '${registry.passwordSecretRef ?? ''}', which is not defined in properties.secrets`,
    );
  }
}
