import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { DockerOptions } from 'dockerode';

/**
 * Which engine the emulator talks to. The order mirrors the Docker CLI: `DOCKER_HOST` wins; without
 * it the system socket, then Docker Desktop's per-user socket, then Podman's sockets (rootless first).
 * The result names where it came from so the start-up message can say "using Podman at …".
 */
export interface DockerEndpoint {
  /** Display form, e.g. `unix:///var/run/docker.sock` or `tcp://10.0.0.5:2376`. */
  url: string;
  source: 'DOCKER_HOST' | 'default socket' | 'Docker Desktop socket' | 'Podman socket' | 'Windows named pipe';
  tls: boolean;
  options: DockerOptions;
}

export interface EndpointEnvironment {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
  readFile: (file: string) => Buffer;
  home: string;
}

const realEnvironment = (): EndpointEnvironment => ({
  env: process.env,
  platform: process.platform,
  exists: existsSync,
  readFile: (file) => readFileSync(file),
  home: homedir(),
});

function socketEndpoint(socketPath: string, source: DockerEndpoint['source']): DockerEndpoint {
  const url = source === 'Windows named pipe' ? `npipe://${socketPath}` : `unix://${socketPath}`;
  // `host: undefined` overrides whatever dockerode derives from the environment on its own.
  return { url, source, tls: false, options: { socketPath, host: undefined } };
}

function fromDockerHost(value: string, sys: EndpointEnvironment): DockerEndpoint {
  if (value.startsWith('unix://')) return socketEndpoint(value.slice('unix://'.length) || '/var/run/docker.sock', 'DOCKER_HOST');
  if (value.startsWith('npipe://')) {
    const pipe = value.slice('npipe://'.length) || '//./pipe/docker_engine';
    return { ...socketEndpoint(pipe, 'DOCKER_HOST'), url: `npipe://${pipe}` };
  }
  const withScheme = value.includes('://') ? value : `tcp://${value}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new Error(`DOCKER_HOST '${value}' is not a valid address (expected unix://, tcp://host:port, npipe:// or ssh://)`);
  }
  if (parsed.protocol === 'ssh:') {
    const options: DockerOptions = { protocol: 'ssh', host: parsed.hostname, port: parsed.port || 22 };
    if (parsed.username) options.username = parsed.username;
    return { url: withScheme, source: 'DOCKER_HOST', tls: false, options };
  }
  if (parsed.protocol !== 'tcp:' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`DOCKER_HOST '${value}' uses an unsupported scheme '${parsed.protocol}'`);
  }
  // As with the Docker CLI, any non-empty DOCKER_TLS_VERIFY turns on TLS with client certificates.
  const tls = Boolean(sys.env.DOCKER_TLS_VERIFY) || parsed.protocol === 'https:';
  const port = parsed.port || (tls ? '2376' : '2375');
  const url = `tcp://${parsed.hostname}:${port}`;
  if (!tls) return { url, source: 'DOCKER_HOST', tls, options: { protocol: 'http', host: parsed.hostname, port } };
  const certDir = sys.env.DOCKER_CERT_PATH || path.join(sys.home, '.docker');
  const read = (name: string): Buffer => {
    try {
      return sys.readFile(path.join(certDir, name));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new Error(`DOCKER_TLS_VERIFY is set but ${name} cannot be read from ${certDir}: ${detail}`, { cause: err });
    }
  };
  return {
    url,
    source: 'DOCKER_HOST',
    tls,
    options: { protocol: 'https', host: parsed.hostname, port, ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') },
  };
}

/** Chooses the engine endpoint. Throws only for a malformed `DOCKER_HOST` or unreadable TLS files. */
export function resolveDockerEndpoint(sys: EndpointEnvironment = realEnvironment()): DockerEndpoint {
  const dockerHost = sys.env.DOCKER_HOST?.trim();
  if (dockerHost) return fromDockerHost(dockerHost, sys);
  if (sys.platform === 'win32') return socketEndpoint('//./pipe/docker_engine', 'Windows named pipe');

  const candidates: Array<[string, DockerEndpoint['source']]> = [
    ['/var/run/docker.sock', 'default socket'],
    [path.join(sys.home, '.docker', 'run', 'docker.sock'), 'Docker Desktop socket'],
  ];
  if (sys.env.XDG_RUNTIME_DIR) candidates.push([path.join(sys.env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'), 'Podman socket']);
  candidates.push(['/run/podman/podman.sock', 'Podman socket']);

  const found = candidates.find(([file]) => sys.exists(file));
  // Nothing exists: keep the conventional socket so `ping` reports a clear "connect ENOENT" for it.
  const [socketPath, source] = found ?? ['/var/run/docker.sock', 'default socket'];
  return socketEndpoint(socketPath, source);
}

/** One line for the start-up banner, e.g. "unix:///run/podman/podman.sock (Podman socket)". */
export function describeDockerEndpoint(endpoint: DockerEndpoint): string {
  return `${endpoint.url} (${endpoint.source}${endpoint.tls ? ', TLS' : ''})`;
}
