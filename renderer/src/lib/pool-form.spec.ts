import { describe, expect, it } from 'vitest';
import {
  emptyForm,
  emptyProbe,
  fromDefinition,
  issuesAt,
  paths,
  toDefinition,
  unplacedIssues,
} from './pool-form.js';
import type { SessionPoolArmView } from '../api/contract.js';

describe('pool form ↔ ARM body', () => {
  it('builds the current ARM shape with only what the user set', () => {
    const form = {
      ...emptyForm(),
      name: 'pool-a',
      image: 'img:1',
      cpu: '0.5',
      memory: '1Gi',
      lifecycleType: 'OnContainerExit' as const,
      maxAliveSeconds: '600',
    };
    form.env.push(
      { name: 'A', source: 'value', value: '1' },
      { name: 'B', source: 'secretRef', value: 'sec' },
    );
    form.secrets.push({ name: 'sec', value: 'v', existing: false });
    form.probes.push({ ...emptyProbe(), port: '8080', periodSeconds: '5' });
    const body = toDefinition(form) as { properties: Record<string, unknown>; location?: string };
    expect(body.location).toBeUndefined();
    expect(body.properties).toMatchObject({
      scaleConfiguration: { maxConcurrentSessions: 10, readySessionInstances: 1 },
      dynamicPoolConfiguration: {
        lifecycleConfiguration: { lifecycleType: 'OnContainerExit', maxAlivePeriodInSeconds: 600 },
      },
      secrets: [{ name: 'sec', value: 'v' }],
      sessionNetworkConfiguration: { status: 'EgressDisabled' },
      customContainerTemplate: {
        containers: [
          {
            name: 'main',
            image: 'img:1',
            resources: { cpu: 0.5, memory: '1Gi' },
            env: [
              { name: 'A', value: '1' },
              { name: 'B', secretRef: 'sec' },
            ],
            probes: [
              { type: 'Liveness', httpGet: { path: '/', port: 8080, scheme: 'HTTP' }, periodSeconds: 5 },
            ],
          },
        ],
        ingress: { targetPort: 8080 },
      },
    });
    expect(JSON.stringify(body)).not.toContain('cooldownPeriodInSeconds');
  });

  it('sends text that is not a number as text, so the API reports the type on the field', () => {
    const body = toDefinition({ ...emptyForm(), maxConcurrentSessions: 'ten' }) as {
      properties: { scaleConfiguration: unknown };
    };
    expect(body.properties.scaleConfiguration).toEqual({
      maxConcurrentSessions: 'ten',
      readySessionInstances: 1,
    });
  });

  it('reads an existing pool back, with secret values left empty', () => {
    const view = {
      id: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.App/sessionPools/p',
      name: 'p',
      type: 'Microsoft.App/sessionPools',
      location: 'local',
      tags: {},
      identity: { type: 'SystemAssigned' },
      properties: {
        containerType: 'CustomContainer',
        poolManagementType: 'Dynamic',
        scaleConfiguration: { maxConcurrentSessions: 4, readySessionInstances: 2 },
        dynamicPoolConfiguration: {
          lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 900 },
        },
        customContainerTemplate: {
          containers: [
            {
              name: 'main',
              image: 'img:2',
              command: ['node'],
              args: ['server.js'],
              env: [{ name: 'K', secretRef: 's' }],
              resources: { cpu: 1, memory: '2Gi' },
              probes: [],
            },
          ],
          ingress: { targetPort: 3000 },
        },
        secrets: [{ name: 's' }],
        sessionNetworkConfiguration: { status: 'EgressEnabled' },
        managedIdentitySettings: [{ identity: 'system', lifecycle: 'Main' }],
        poolManagementEndpoint: 'http://x',
        provisioningState: 'Succeeded',
      },
    } satisfies SessionPoolArmView;
    const form = fromDefinition(view);
    expect(form).toMatchObject({
      name: 'p',
      image: 'img:2',
      command: 'node',
      args: 'server.js',
      cooldownSeconds: '900',
      targetPort: '3000',
      egress: 'EgressEnabled',
      identityType: 'SystemAssigned',
    });
    expect(form.secrets).toEqual([{ name: 's', value: '', existing: true }]);
    expect(form.env).toEqual([{ name: 'K', source: 'secretRef', value: 's' }]);
    const again = toDefinition(form) as { properties: { secrets: unknown[] } };
    expect(again.properties.secrets).toEqual([{ name: 's' }]);
  });

  it('places issues on fields by ARM path and lists the rest', () => {
    const issues = [
      { path: paths.image, code: 'MissingRequiredParameter' as const, rule: 'is required' },
      {
        path: 'properties.customContainerTemplate',
        code: 'InvalidParameterValue' as const,
        rule: 'whole section',
      },
    ];
    expect(issuesAt(issues, paths.image)).toEqual(['is required']);
    expect(unplacedIssues(issues, new Set([paths.image])).map((i) => i.rule)).toEqual(['whole section']);
  });
});
