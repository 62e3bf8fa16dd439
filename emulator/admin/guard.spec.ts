import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostAllowed, isLoopbackHost, requiresToken } from './guard.js';
import { findRendererDir, packageRoot } from './static.js';

const loopback = { listenHost: '127.0.0.1', token: 't', requireToken: false };

describe('admin guard', () => {
  it('accepts only loopback names when listening on loopback', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST', 'app.localhost:1']) {
      expect(hostAllowed(host, loopback), host).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'evil.example',
      '10.0.0.5:8080',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
    ]) {
      expect(hostAllowed(host, loopback), String(host)).toBe(false);
    }
  });

  it('accepts the listen address and, on a wildcard, IP literals (rebinding needs a name)', () => {
    expect(hostAllowed('192.0.2.7:80', { ...loopback, listenHost: '192.0.2.7' })).toBe(true);
    expect(hostAllowed('192.0.2.8:80', { ...loopback, listenHost: '192.0.2.7' })).toBe(false);
    expect(hostAllowed('192.0.2.8:80', { ...loopback, listenHost: '0.0.0.0' })).toBe(true);
    expect(hostAllowed('[2001:db8::1]:80', { ...loopback, listenHost: '::' })).toBe(true);
    expect(hostAllowed('devbox.example', { ...loopback, listenHost: '0.0.0.0' })).toBe(false);
    expect(
      hostAllowed('devbox.example', { ...loopback, listenHost: '0.0.0.0', allowedHosts: ['devbox.example'] }),
    ).toBe(true);
  });

  it('requires the token beyond loopback only', () => {
    expect(requiresToken('127.0.0.1')).toBe(false);
    expect(requiresToken('localhost')).toBe(false);
    expect(requiresToken('::1')).toBe(false);
    expect(requiresToken('0.0.0.0')).toBe(true);
    expect(requiresToken('192.168.1.4')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
  });
});

describe('dashboard files', () => {
  it('finds the package root from the sources, so dist/renderer is found from both src and dist', () => {
    const root = packageRoot();
    expect(root).toBeDefined();
    expect(packageRoot(join(root ?? '', 'dist', 'emulator', 'admin'))).toBe(root);
  });

  it('prefers an explicit folder with an index.html, and reports none when not built', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sessionite-renderer-'));
    try {
      expect(findRendererDir(join(dir, 'missing'))).not.toBe(join(dir, 'missing'));
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      expect(findRendererDir(dir)).toBe(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
