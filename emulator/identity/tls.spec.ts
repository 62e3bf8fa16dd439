import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certNames, ensureTls, normalizeNames } from './tls.js';
import { x509 } from './x509.js';

const DAY = 86_400_000;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionite-tls-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureTls', () => {
  it('creates a CA and a server certificate with the expected properties and file modes', async () => {
    const t = await ensureTls(dir, { extraHostnames: ['dev.example.test', '10.1.2.3'] });
    expect(t.created).toEqual({ ca: true, server: true });
    expect(t.source).toBe('generated');
    expect(t.caPath).toBe(join(dir, 'tls', 'ca.pem'));
    expect(await readFile(t.caPath!, 'utf8')).toBe(t.caPem);
    for (const f of ['ca-key.pem', 'server-key.pem']) {
      expect((await stat(join(dir, 'tls', f))).mode & 0o777).toBe(0o600);
    }

    const ca = new x509.X509Certificate(t.caPem!);
    const bc = ca.getExtension(x509.BasicConstraintsExtension);
    expect(bc?.ca).toBe(true);
    expect(bc?.critical).toBe(true);
    const ku = ca.getExtension(x509.KeyUsagesExtension);
    expect((ku?.usages ?? 0) & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(ca.notAfter.getTime() - ca.notBefore.getTime()).toBeGreaterThan(3649 * DAY);

    const server = new x509.X509Certificate(t.cert);
    expect(server.notAfter.getTime() - server.notBefore.getTime()).toBeLessThanOrEqual(397 * DAY);
    expect(server.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toContain(
      x509.ExtendedKeyUsage.serverAuth,
    );
    expect(server.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(certNames(server)).toEqual(
      ['10.1.2.3', '127.0.0.1', '::1', 'dev.example.test', 'host.docker.internal', 'localhost'].sort(),
    );
    expect(await server.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(t.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(t.key).not.toContain('CERTIFICATE');
  });

  it('reuses both certificates on the next start', async () => {
    const first = await ensureTls(dir, { extraHostnames: [] });
    const again = await ensureTls(dir, { extraHostnames: [] });
    expect(again.created).toEqual({ ca: false, server: false });
    expect(again.cert).toBe(first.cert);
    expect(again.caPem).toBe(first.caPem);
  });

  it('reissues the server certificate when the names change, keeping the CA', async () => {
    const first = await ensureTls(dir, { extraHostnames: [] });
    const next = await ensureTls(dir, { extraHostnames: ['box.local'] });
    expect(next.created).toEqual({ ca: false, server: true });
    expect(next.caPem).toBe(first.caPem);
    expect(next.names).toContain('box.local');
  });

  it('reissues the server certificate when it nears expiry, keeping the CA', async () => {
    const start = Date.now();
    const first = await ensureTls(dir, { extraHostnames: [], now: () => start });
    const later = await ensureTls(dir, { extraHostnames: [], now: () => start + 340 * DAY });
    expect(later.created).toEqual({ ca: false, server: true });
    expect(later.caPem).toBe(first.caPem);
    expect(later.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
  });

  it('serves TLS that a client trusting only the CA accepts for names and IPs', async () => {
    const t = await ensureTls(dir, { extraHostnames: [] });
    const server = createServer({ key: t.key, cert: t.cert }, (_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const servername of ['localhost', 'host.docker.internal', undefined]) {
        const socket = connect({ host: '127.0.0.1', port, ca: t.caPem, servername });
        await once(socket, 'secureConnect');
        expect(socket.authorized).toBe(true);
        socket.destroy();
      }
    } finally {
      server.close();
    }
  });

  it('uses a user-supplied certificate as-is and refuses a key that does not match it', async () => {
    const own = await ensureTls(join(dir, 'other'), { extraHostnames: [] });
    const stranger = await ensureTls(join(dir, 'stranger'), { extraHostnames: [] });
    await writeFile(join(dir, 'cert.pem'), own.cert);
    await writeFile(join(dir, 'key.pem'), own.key);
    await writeFile(join(dir, 'wrong-key.pem'), stranger.key);
    const t = await ensureTls(dir, {
      extraHostnames: [],
      userCert: { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem') },
    });
    expect(t).toMatchObject({
      source: 'user',
      cert: own.cert,
      key: own.key,
      caPem: undefined,
      caPath: undefined,
    });
    await expect(
      ensureTls(dir, {
        extraHostnames: [],
        userCert: { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'wrong-key.pem') },
      }),
    ).rejects.toThrow(/does not belong/);
  });
});

describe('normalizeNames', () => {
  it('canonicalises IPs and names and rejects junk', () => {
    expect(normalizeNames(['LOCALHOST', '[::1]', '0:0:0:0:0:0:0:1', '*.dev.test'])).toEqual([
      '*.dev.test',
      '::1',
      'localhost',
    ]);
    expect(() => normalizeNames(['bad name'])).toThrow(/neither a host name nor an IP/);
    expect(() => normalizeNames(['evil/path'])).toThrow();
  });
});
