import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import type { ContainerSpec } from './types.js';

/**
 * How the emulator reaches a session's target port.
 * - `containerIp`: dial the container's address on its pool network. Works wherever the host shares a
 *   kernel with the engine (Linux, WSL2 engines), and lets egress-disabled pools use `internal`
 *   networks.
 * - `publishedPort`: publish the target port on 127.0.0.1 with an engine-chosen port. Needed where
 *   container addresses are not routable from the host (Docker Desktop on macOS/Windows).
 */
export type AccessMode = 'containerIp' | 'publishedPort';

export function resolveAccessMode(explicit: AccessMode | undefined, env: Record<string, string | undefined>): AccessMode {
  const value = explicit ?? env.SESSIONITE_CONTAINER_ACCESS;
  if (value === undefined || value === '') return 'containerIp';
  if (value === 'containerIp' || value === 'publishedPort') return value;
  throw new Error(`SESSIONITE_CONTAINER_ACCESS must be 'containerIp' or 'publishedPort', not '${value}'`);
}

/**
 * Capabilities kept after `CapDrop: ALL`. Sessions run untrusted code as whatever user the image
 * picks, often root, so the set is what ordinary servers and their entrypoints need and no more:
 * CHOWN/FOWNER/DAC_OVERRIDE (root writing files it does not own, e.g. package installs), SETUID/SETGID
 * (entrypoints that drop to a service user with su-exec/gosu), NET_BIND_SERVICE (target ports below
 * 1024, e.g. ACA's default 80), KILL (signalling children after dropping privileges). Docker's
 * default set additionally grants NET_RAW (raw sockets: ARP/ICMP spoofing on the pool network),
 * MKNOD, SYS_CHROOT, SETPCAP, SETFCAP, FSETID and AUDIT_WRITE — none needed by a web server.
 */
export const sessionCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'NET_BIND_SERVICE', 'KILL'];

/** json-file keeps logs readable through the API (`tail`) whatever the engine's default driver is. */
const logConfig = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } };

export function buildCreateOptions(spec: ContainerSpec, access: AccessMode): ContainerCreateOptions {
  const portKey = `${spec.targetPort}/tcp`;
  const published = access === 'publishedPort';
  return {
    name: spec.name,
    Image: spec.image,
    // Kubernetes/ACA semantics: `command` replaces the image ENTRYPOINT (and the engine then ignores
    // the image CMD), `args` replaces CMD. Empty lists keep the image's own.
    Entrypoint: spec.command && spec.command.length > 0 ? spec.command : undefined,
    Cmd: spec.args && spec.args.length > 0 ? spec.args : undefined,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: spec.labels,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    ExposedPorts: published ? { [portKey]: {} } : undefined,
    HostConfig: {
      NanoCpus: Math.round(spec.cpu * 1e9),
      Memory: spec.memoryBytes,
      // Equal to Memory: no swap, so the memory limit is a real limit and overruns end in OOM kills.
      MemorySwap: spec.memoryBytes,
      PidsLimit: spec.pidsLimit,
      // setuid binaries cannot raise privileges inside the session.
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      CapAdd: sessionCapabilities,
      Privileged: false,
      IpcMode: 'private',
      Init: false,
      // The pool engine replaces dead sessions itself; an engine-side restart would resurrect a
      // session the emulator already considers gone.
      RestartPolicy: { Name: 'no' },
      AutoRemove: false,
      LogConfig: logConfig,
      NetworkMode: spec.network,
      // Loopback only: published session ports must not be reachable from the LAN.
      PortBindings: published ? { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] } : undefined,
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } },
  };
}

/** Where to dial the started container, per access mode; throws when the engine did not say. */
export function containerAddress(
  info: ContainerInspectInfo,
  spec: ContainerSpec,
  access: AccessMode,
): { host: string; port: number } {
  const settings = info.NetworkSettings;
  if (access === 'publishedPort') {
    const bindings: Array<{ HostIp: string; HostPort: string }> = settings.Ports?.[`${spec.targetPort}/tcp`] ?? [];
    const binding = bindings.find((b) => b.HostIp === '127.0.0.1') ?? bindings[0];
    const port = Number(binding?.HostPort);
    if (!binding || !Number.isInteger(port) || port <= 0) {
      throw new Error(`the engine did not publish port ${spec.targetPort} of container ${spec.name}`);
    }
    return { host: '127.0.0.1', port };
  }
  const networks = settings.Networks ?? {};
  const ip = networks[spec.network]?.IPAddress || Object.values(networks).find((n) => n.IPAddress)?.IPAddress;
  if (!ip) throw new Error(`container ${spec.name} has no address on network ${spec.network}`);
  return { host: ip, port: spec.targetPort };
}

/**
 * Decodes the engine's multiplexed log format (8-byte header: stream type, 3 zero bytes, big-endian
 * length) into text, stdout and stderr interleaved in log order. A buffer that does not start with
 * a valid header (a TTY container) is returned as plain text.
 */
export function demultiplexLogs(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const validHeader = (type === 0 || type === 1 || type === 2) && buffer.readUIntBE(offset + 1, 3) === 0;
    if (!validHeader) break;
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  if (offset < buffer.length && parts.length === 0) return buffer.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}
