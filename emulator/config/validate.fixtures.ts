import { expect } from 'vitest';
import type { ValidationIssue } from './issues.js';
import { checkSessionPool } from './validate.js';

/** Shared fixtures of the validation specs: a valid pool body and helpers to break it one field at a time. */
export type Body = Record<string, unknown> & { properties: Record<string, unknown> };

export function validPool(): Body {
  return {
    name: 'pool',
    location: 'westeurope',
    properties: {
      containerType: 'CustomContainer',
      poolManagementType: 'Dynamic',
      scaleConfiguration: { maxConcurrentSessions: 10, readySessionInstances: 2 },
      dynamicPoolConfiguration: {
        lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 300 },
      },
      secrets: [{ name: 'pw', value: 's3cret-value' }],
      customContainerTemplate: {
        containers: [
          {
            name: 'main',
            image: 'repo/img:1',
            env: [
              { name: 'A', value: 'a' },
              { name: 'B', secretRef: 'pw' },
            ],
            resources: { cpu: 0.5, memory: '1Gi' },
          },
        ],
        ingress: { targetPort: 8080 },
      },
      sessionNetworkConfiguration: { status: 'EgressDisabled' },
    },
  };
}

/** Deep-sets `value` at a dotted path with [n] indexes, creating objects on the way. */
export function withValue(body: Body, path: string, value: unknown): Body {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node = body as Record<string, unknown>;
  keys.slice(0, -1).forEach((key) => {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  });
  node[keys[keys.length - 1] ?? ''] = value;
  return body;
}

export function issuesOf(body: unknown, name = 'pool'): ValidationIssue[] {
  const result = checkSessionPool(body, name);
  return result.ok ? [] : result.issues;
}

export function expectIssue(body: unknown, path: string, code: ValidationIssue['code']): ValidationIssue {
  const issues = issuesOf(body);
  const issue = issues.find((candidate) => candidate.path === path);
  expect(issue, `expected an issue at ${path}, got ${JSON.stringify(issues)}`).toBeDefined();
  expect(issue?.code).toBe(code);
  return issue as ValidationIssue;
}

export const CONTAINER = 'properties.customContainerTemplate.containers[0]';
