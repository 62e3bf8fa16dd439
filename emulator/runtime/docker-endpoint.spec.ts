import { describe, expect, it } from 'vitest';
import { describeDockerEndpoint, resolveDockerEndpoint, type EndpointEnvironment } from './docker-endpoint.js';

function sys(env: Record<string, string>, existing: string[] = [], platform: NodeJS.Platform = 'linux'): EndpointEnvironment {
  return {
    env,
    platform,
    home: '/home/u',
    exists: (file) => existing.includes(file),
    readFile: (file) => {
      if (file.startsWith('/certs/')) return Buffer.from(`pem of ${file}`);
      throw new Error(`ENOENT: ${file}`);
    },
  };
}

describe('resolveDockerEndpoint', () => {
  it('uses DOCKER_HOST unix sockets and TCP without TLS', () => {
    expect(resolveDockerEndpoint(sys({ DOCKER_HOST: 'unix:///tmp/d.sock' })).options).toMatchObject({ socketPath: '/tmp/d.sock' });
    const tcp = resolveDockerEndpoint(sys({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }));
    expect(tcp).toMatchObject({ url: 'tcp://10.0.0.5:2375', tls: false, options: { protocol: 'http', host: '10.0.0.5', port: '2375' } });
  });

  it('turns on TLS with the client certificates for DOCKER_TLS_VERIFY', () => {
    const endpoint = resolveDockerEndpoint(sys({ DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }));
    expect(endpoint.tls).toBe(true);
    expect(endpoint.options).toMatchObject({ protocol: 'https', host: 'docker.example', port: '2376' });
    expect(String(endpoint.options.ca)).toBe('pem of /certs/ca.pem');
    expect(describeDockerEndpoint(endpoint)).toBe('tcp://docker.example:2376 (DOCKER_HOST, TLS)');
  });

  it('explains unreadable TLS files and malformed addresses', () => {
    expect(() => resolveDockerEndpoint(sys({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1' }))).toThrow(/ca\.pem cannot be read from \/home\/u\/\.docker/);
    expect(() => resolveDockerEndpoint(sys({ DOCKER_HOST: 'tcp://[bad' }))).toThrow(/not a valid address/);
  });

  it('supports named pipes', () => {
    expect(resolveDockerEndpoint(sys({ DOCKER_HOST: 'npipe:////./pipe/podman' })).options.socketPath).toBe('//./pipe/podman');
    expect(resolveDockerEndpoint(sys({}, [], 'win32')).url).toBe('npipe:////./pipe/docker_engine');
  });

  it('falls back from the Docker socket to Podman sockets that exist', () => {
    expect(resolveDockerEndpoint(sys({}, ['/var/run/docker.sock', '/run/podman/podman.sock'])).source).toBe('default socket');
    const rootless = resolveDockerEndpoint(sys({ XDG_RUNTIME_DIR: '/run/user/1000' }, ['/run/user/1000/podman/podman.sock', '/run/podman/podman.sock']));
    expect(rootless).toMatchObject({ url: 'unix:///run/user/1000/podman/podman.sock', source: 'Podman socket' });
    expect(resolveDockerEndpoint(sys({}, ['/run/podman/podman.sock'])).url).toBe('unix:///run/podman/podman.sock');
  });

  it('names the conventional socket when nothing exists, so ping can say so', () => {
    expect(resolveDockerEndpoint(sys({})).url).toBe('unix:///var/run/docker.sock');
  });
});
