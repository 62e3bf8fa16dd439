import type { EngineLimits } from '../../emulator/pool/spec.js';

/**
 * Generates the `--config` file for an emulator child: ARM-shaped pool bodies, as a user would write
 * them. JSON is valid YAML, so the file is written as JSON and read by the ordinary YAML loader.
 */

export interface BenchPool {
  name: string;
  image: string;
  ready: number;
  max: number;
  command?: string[];
  args?: string[];
  /** Cores (0.25–2). Throughput scenarios use 2 so the session is not the bottleneck. */
  cpu?: number;
  /** A quantity such as "0.5Gi". */
  memory?: string;
  targetPort?: number;
  /** Timed lifecycle; 3600 s keeps every session alive for the whole run. */
  cooldownSeconds?: number;
}

/** The busybox image's `httpd`, serving a tiny index page (one fork per connection, no keep-alive). */
export function busyboxHttpd(pool: Omit<BenchPool, 'command' | 'args' | 'image'>, image: string): BenchPool {
  return { ...pool, image, ...busyboxHttpdCommand() };
}

export function busyboxHttpdCommand(): { command: string[]; args: string[] } {
  return { command: ['sh', '-c'], args: ['echo ok > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'] };
}

export function poolConfigText(pools: BenchPool[], limits: Partial<EngineLimits> = {}): string {
  const body = {
    limits,
    pools: pools.map((pool) => ({
      name: pool.name,
      properties: {
        containerType: 'CustomContainer',
        poolManagementType: 'Dynamic',
        scaleConfiguration: { maxConcurrentSessions: pool.max, readySessionInstances: pool.ready },
        dynamicPoolConfiguration: {
          lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: pool.cooldownSeconds ?? 3600 },
        },
        customContainerTemplate: {
          containers: [
            {
              name: 'main',
              image: pool.image,
              ...(pool.command ? { command: pool.command } : {}),
              ...(pool.args ? { args: pool.args } : {}),
              resources: { cpu: pool.cpu ?? 0.25, memory: pool.memory ?? '0.5Gi' },
            },
          ],
          ingress: { targetPort: pool.targetPort ?? 8080 },
        },
      },
    })),
  };
  return JSON.stringify(body, null, 2) + '\n';
}
