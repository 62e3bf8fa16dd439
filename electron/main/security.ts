/**
 * The window's security rules as pure functions (the Electron glue is in `harden.ts`). The threat is a
 * page in our window that is not ours — a link followed, a redirect, an injected script's navigation —
 * gaining the preload's functions. So: one trusted page (origin + path), everything else is refused.
 */

/** The page the window may show: the emulator-served dashboard (or the dev server in development). */
export interface TrustedPage {
  /** `http://127.0.0.1:8080` — scheme, host and port; compared exactly. */
  origin: string;
  /** `/_sessionite/`: other paths on the emulator's origin are the data plane, never the UI. */
  pathPrefix: string;
}

export function isTrustedUrl(url: string | undefined, trusted: TrustedPage): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Credentials in the URL would make `origin` lie about where the request goes in some parsers.
  if (parsed.username || parsed.password) return false;
  return parsed.origin === trusted.origin && parsed.pathname.startsWith(trusted.pathPrefix);
}

/** Where an IPC request came from, as main sees it. */
export interface SenderInfo {
  /** The URL of the frame that sent the request (`event.senderFrame.url`); undefined once it navigated away. */
  frameUrl: string | undefined;
  /** True for the top frame: iframes (even same-origin ones) never get OS features. */
  isMainFrame: boolean;
  /** `event.sender.id`. */
  webContentsId: number;
}

/**
 * IPC handlers answer only our own window's top frame while it shows the trusted page. The preload is
 * attached only to that window, so this is defence in depth: it also holds if a navigation guard is
 * bypassed or another window (DevTools, a future one) gets a preload by mistake.
 */
export function isTrustedSender(
  sender: SenderInfo,
  trusted: TrustedPage,
  windowWebContentsIds: readonly number[],
): boolean {
  return (
    sender.isMainFrame &&
    windowWebContentsIds.includes(sender.webContentsId) &&
    isTrustedUrl(sender.frameUrl, trusted)
  );
}

/**
 * URLs the app hands to the OS (default browser): http and https only. `file:`, `smb:`, custom
 * protocol handlers and `javascript:` can run programs or leak credentials when opened by the shell.
 * Returns the normalised URL, or undefined when refused.
 */
export function externalUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 8192) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny'; openExternally?: string };

/** In-window navigation: only within the trusted page. Anything else stays out of the window. */
export function navigationDecision(url: string, trusted: TrustedPage): NavigationDecision {
  return isTrustedUrl(url, trusted) ? { action: 'allow' } : { action: 'deny' };
}

/** `window.open` and `target=_blank`: never a new Electron window; http(s) goes to the default browser. */
export function windowOpenDecision(url: string): NavigationDecision {
  const external = externalUrl(url);
  return external ? { action: 'deny', openExternally: external } : { action: 'deny' };
}

export interface CspOptions {
  /** The Vite dev server's origin in development (its HMR web socket must connect). */
  devServerOrigin?: string;
}

/**
 * The Content-Security-Policy main adds to every response the window loads (on top of the meta tag in
 * `renderer/index.html`; both apply, so the stricter wins):
 *  - scripts only from the page's own origin: no inline script, no eval, so injected markup cannot run;
 *  - `connect-src 'self'`: the renderer talks to the admin API on its own origin and nowhere else;
 *  - styles may be inline (Vue's style bindings and dev-mode style injection) — CSS cannot run code;
 *  - no plugins, frames, workers, `<base>` rewrites or form posts, and no one may frame the dashboard.
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin ? new URL(options.devServerOrigin) : undefined;
  const connect = ["'self'"];
  if (dev) connect.push(`${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`);
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'", 'data:'],
    ['connect-src', ...connect],
    ['manifest-src', "'self'"],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['worker-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((parts) => parts.join(' ')).join('; ');
}

/**
 * The page proposes a file name for a save dialog; it never chooses the folder. Path separators,
 * `..`, control and reserved characters are dropped, so the proposal cannot point the dialog elsewhere.
 */
export function safeFileName(proposed: string, fallback = 'sessionite-export.txt'): string {
  const base = proposed.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((char) => char.charCodeAt(0) > 0x1f && char.charCodeAt(0) !== 0x7f && !'<>:"|?*'.includes(char))
    .join('')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 200);
  return cleaned === '' ? fallback : cleaned;
}
