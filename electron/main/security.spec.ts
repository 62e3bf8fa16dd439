import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  externalUrl,
  isTrustedSender,
  isTrustedUrl,
  navigationDecision,
  safeFileName,
  windowOpenDecision,
  type TrustedPage,
} from './security.js';

const dashboard: TrustedPage = { origin: 'http://127.0.0.1:8080', pathPrefix: '/_sessionite/' };

describe('the trusted page', () => {
  it('is the dashboard path on the emulator origin, nothing else', () => {
    expect(isTrustedUrl('http://127.0.0.1:8080/_sessionite/', dashboard)).toBe(true);
    expect(isTrustedUrl('http://127.0.0.1:8080/_sessionite/#pools', dashboard)).toBe(true);
    // The data plane on the same origin is not the UI.
    expect(isTrustedUrl('http://127.0.0.1:8080/subscriptions/x/sessionPools/p/', dashboard)).toBe(false);
    expect(isTrustedUrl('http://127.0.0.1:8081/_sessionite/', dashboard)).toBe(false);
    expect(isTrustedUrl('http://localhost:8080/_sessionite/', dashboard)).toBe(false);
    expect(isTrustedUrl('https://127.0.0.1:8080/_sessionite/', dashboard)).toBe(false);
    expect(isTrustedUrl('http://user:pw@127.0.0.1:8080/_sessionite/', dashboard)).toBe(false);
    expect(isTrustedUrl('file:///etc/passwd', dashboard)).toBe(false);
    expect(isTrustedUrl('not a url', dashboard)).toBe(false);
    expect(isTrustedUrl(undefined, dashboard)).toBe(false);
  });
});

describe('navigation guard', () => {
  it('allows moves within the dashboard and denies every other destination', () => {
    expect(navigationDecision('http://127.0.0.1:8080/_sessionite/index.html', dashboard)).toEqual({
      action: 'allow',
    });
    expect(navigationDecision('https://evil.example/', dashboard)).toEqual({ action: 'deny' });
    expect(navigationDecision('http://127.0.0.1:8080/healthz', dashboard)).toEqual({ action: 'deny' });
    expect(navigationDecision('javascript:alert(1)', dashboard)).toEqual({ action: 'deny' });
  });

  it('sends window.open to the default browser for http(s) only, never opening a window', () => {
    expect(windowOpenDecision('https://learn.microsoft.com/azure/container-apps/sessions')).toEqual({
      action: 'deny',
      openExternally: 'https://learn.microsoft.com/azure/container-apps/sessions',
    });
    expect(windowOpenDecision('file:///C:/Windows/System32/calc.exe')).toEqual({ action: 'deny' });
    expect(windowOpenDecision('smb://attacker/share')).toEqual({ action: 'deny' });
    expect(windowOpenDecision('javascript:void(0)')).toEqual({ action: 'deny' });
  });

  it('opens only http and https URLs externally', () => {
    expect(externalUrl('http://127.0.0.1:8080/_sessionite/#token=x')).toBe(
      'http://127.0.0.1:8080/_sessionite/#token=x',
    );
    expect(externalUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
    for (const bad of [
      'mailto:a@b.c',
      'vscode://x',
      'file:///tmp',
      'data:text/html,x',
      '',
      42,
      undefined,
      'x'.repeat(9000),
    ]) {
      expect(externalUrl(bad)).toBeUndefined();
    }
  });
});

describe('IPC sender check', () => {
  const sender = { frameUrl: 'http://127.0.0.1:8080/_sessionite/', isMainFrame: true, webContentsId: 7 };

  it("accepts the window's top frame showing the dashboard", () => {
    expect(isTrustedSender(sender, dashboard, [7])).toBe(true);
  });

  it('refuses iframes, other web contents, other pages and destroyed frames', () => {
    expect(isTrustedSender({ ...sender, isMainFrame: false }, dashboard, [7])).toBe(false);
    expect(isTrustedSender({ ...sender, webContentsId: 8 }, dashboard, [7])).toBe(false);
    expect(isTrustedSender(sender, dashboard, [])).toBe(false);
    expect(
      isTrustedSender({ ...sender, frameUrl: 'https://evil.example/_sessionite/' }, dashboard, [7]),
    ).toBe(false);
    expect(isTrustedSender({ ...sender, frameUrl: undefined }, dashboard, [7])).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  it("allows scripts and connections only from the page's own origin", () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; manifest-src 'self'; object-src 'none'; frame-src 'none'; " +
        "worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('never allows inline script or eval, also in development', () => {
    for (const csp of [
      contentSecurityPolicy(),
      contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }),
    ]) {
      const script = csp.split('; ').find((d) => d.startsWith('script-src'));
      expect(script).toBe("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it("lets the dev server's hot-reload socket connect in development", () => {
    expect(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' })).toContain(
      "connect-src 'self' ws://localhost:5173;",
    );
  });
});

describe('save dialog file names', () => {
  it('keeps a plain name and strips anything that would choose a folder', () => {
    expect(safeFileName('pool-a.json')).toBe('pool-a.json');
    expect(safeFileName('../../.bashrc')).toBe('bashrc');
    expect(safeFileName('C:\\Windows\\win.ini')).toBe('win.ini');
    expect(safeFileName('a<b>:c"|?*.txt')).toBe('abc.txt');
    expect(safeFileName('bad\u0000\u001fname.txt')).toBe('badname.txt');
    expect(safeFileName('..')).toBe('sessionite-export.txt');
    expect(safeFileName('')).toBe('sessionite-export.txt');
  });
});
