import type { ContainerInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import { buildCreateOptions, containerAddress, demultiplexLogs, resolveAccessMode } from './docker-container.js';
import { parseDieEvent } from './docker-events.js';
import type { ContainerSpec } from './types.js';

const spec: ContainerSpec = {
  name: 's-1',
  image: 'img:1',
  command: ['sh', '-c'],
  args: ['echo hi'],
  env: { A: '1', B: 'x=y' },
  cpu: 0.25,
  memoryBytes: 512 * 1024 * 1024,
  pidsLimit: 100,
  labels: { 'io.sessionite.managed': 'true' },
  network: 'pool-net',
  targetPort: 8080,
};

describe('buildCreateOptions', () => {
  it('maps limits, hardening and Kubernetes command/args semantics', () => {
    const options = buildCreateOptions(spec, 'containerIp');
    expect(options).toMatchObject({ name: 's-1', Image: 'img:1', Entrypoint: ['sh', '-c'], Cmd: ['echo hi'], Env: ['A=1', 'B=x=y'] });
    expect(options.HostConfig).toMatchObject({
      NanoCpus: 250_000_000,
      Memory: 536_870_912,
      MemorySwap: 536_870_912,
      PidsLimit: 100,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      Init: false,
      RestartPolicy: { Name: 'no' },
      NetworkMode: 'pool-net',
    });
    expect(options.HostConfig?.CapAdd).not.toContain('NET_RAW');
    expect(options.HostConfig?.PortBindings).toBeUndefined();
  });

  it('keeps the image entrypoint and command when none are given', () => {
    const options = buildCreateOptions({ ...spec, command: [], args: undefined }, 'containerIp');
    expect(options.Entrypoint).toBeUndefined();
    expect(options.Cmd).toBeUndefined();
  });

  it('publishes the target port on loopback only in publishedPort mode', () => {
    const options = buildCreateOptions(spec, 'publishedPort');
    expect(options.HostConfig?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  });
});

describe('containerAddress', () => {
  const info = (settings: object): ContainerInspectInfo => ({ NetworkSettings: settings }) as unknown as ContainerInspectInfo;

  it('uses the container IP on the pool network, or the published loopback port', () => {
    const networks = { Networks: { 'pool-net': { IPAddress: '172.20.0.5' } }, Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '49153' }] } };
    expect(containerAddress(info(networks), spec, 'containerIp')).toEqual({ host: '172.20.0.5', port: 8080 });
    expect(containerAddress(info(networks), spec, 'publishedPort')).toEqual({ host: '127.0.0.1', port: 49153 });
    expect(() => containerAddress(info({ Networks: {}, Ports: {} }), spec, 'publishedPort')).toThrow(/did not publish/);
  });
});

describe('resolveAccessMode', () => {
  it('prefers the option, then SESSIONITE_CONTAINER_ACCESS, then containerIp', () => {
    expect(resolveAccessMode('publishedPort', { SESSIONITE_CONTAINER_ACCESS: 'containerIp' })).toBe('publishedPort');
    expect(resolveAccessMode(undefined, { SESSIONITE_CONTAINER_ACCESS: 'publishedPort' })).toBe('publishedPort');
    expect(resolveAccessMode(undefined, {})).toBe('containerIp');
    expect(() => resolveAccessMode(undefined, { SESSIONITE_CONTAINER_ACCESS: 'bridge' })).toThrow(/must be/);
  });
});

describe('demultiplexLogs', () => {
  const frame = (stream: number, text: string): Buffer => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };

  it('interleaves stdout and stderr in log order', () => {
    expect(demultiplexLogs(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]))).toBe('out 1\nerr 1\nout 2\n');
  });

  it('returns raw text for TTY output', () => {
    expect(demultiplexLogs(Buffer.from('plain text output\n'))).toBe('plain text output\n');
  });
});

describe('parseDieEvent', () => {
  it('reads die events and ignores everything else', () => {
    const die = { Type: 'container', Action: 'die', Actor: { ID: 'abc', Attributes: { exitCode: '137' } } };
    expect(parseDieEvent(die)).toEqual({ id: 'abc', exitCode: 137, oomKilled: false });
    expect(parseDieEvent({ ...die, Action: 'start' })).toBeNull();
    expect(parseDieEvent({ Type: 'container', Action: 'die', Actor: { ID: 'x', Attributes: {} } })).toEqual({ id: 'x', exitCode: null, oomKilled: false });
    expect(parseDieEvent('junk')).toBeNull();
  });
});
