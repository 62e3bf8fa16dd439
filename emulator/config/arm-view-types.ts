/**
 * The ARM view of a pool as plain types: what `arm-view.ts` builds, the ARM control plane answers and
 * the dashboard shows. Self-contained on purpose (no imports): the admin contract re-exports these
 * types to the renderer, which must not type-check engine modules that use Node.
 */

export type SessionPoolProvisioningState = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled' | 'Deleting';

export interface ArmEnvVarView {
  name: string;
  value?: string;
  secretRef?: string;
}

export interface ArmProbeView {
  type: 'Liveness' | 'Startup';
  httpGet?: {
    path: string;
    port: number;
    scheme: 'HTTP' | 'HTTPS';
    httpHeaders: { name: string; value: string }[];
  };
  tcpSocket?: { port: number };
  failureThreshold: number;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
}

export interface SessionPoolArmView {
  id: string;
  name: string;
  type: 'Microsoft.App/sessionPools';
  location: string;
  tags: Record<string, string>;
  identity: { type: string; userAssignedIdentities?: Record<string, Record<string, never>> };
  properties: {
    environmentId?: string;
    containerType: 'CustomContainer';
    poolManagementType: 'Dynamic';
    scaleConfiguration: { maxConcurrentSessions: number; readySessionInstances: number };
    dynamicPoolConfiguration: {
      lifecycleConfiguration:
        | { lifecycleType: 'Timed'; cooldownPeriodInSeconds: number }
        | { lifecycleType: 'OnContainerExit'; maxAlivePeriodInSeconds: number };
    };
    customContainerTemplate: {
      registryCredentials?: {
        server: string;
        username?: string;
        passwordSecretRef?: string;
        identity?: string;
      };
      containers: {
        name: string;
        image: string;
        command: string[];
        args: string[];
        env: ArmEnvVarView[];
        resources: { cpu: number; memory: string };
        probes: ArmProbeView[];
      }[];
      ingress: { targetPort: number };
    };
    secrets: { name: string }[];
    sessionNetworkConfiguration: { status: 'EgressEnabled' | 'EgressDisabled' };
    managedIdentitySettings: { identity: string; lifecycle: 'None' | 'Main' | 'Init' | 'All' }[];
    poolManagementEndpoint: string;
    provisioningState: SessionPoolProvisioningState;
  };
}
