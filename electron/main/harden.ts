import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import {
  isTrustedSender,
  navigationDecision,
  windowOpenDecision,
  type SenderInfo,
  type TrustedPage,
} from './security.js';

/**
 * Applies the rules of `security.ts` to Electron objects. Every web contents the app ever creates goes
 * through `guardWebContents` (from `app.on('web-contents-created')`), not only the main window.
 */

/**
 * Adds the CSP header to every response in the app's session, and refuses every permission (camera,
 * notifications from the page, geolocation, …): the dashboard needs none, and main shows the native
 * notifications itself.
 */
export function hardenSession(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface GuardOptions {
  /** The trusted page; undefined while the emulator is not listening yet (then nothing is trusted). */
  trusted: () => TrustedPage | undefined;
  openExternal: (url: string) => void;
  log: (line: string) => void;
}

export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const refuse = (event: { preventDefault(): void }, url: string): void => {
    const trusted = options.trusted();
    if (trusted && navigationDecision(url, trusted).action === 'allow') return;
    event.preventDefault();
    options.log(`blocked navigation to ${redact(url)}`);
  };
  contents.on('will-navigate', (event) => refuse(event, event.url));
  contents.on('will-frame-navigate', (event) => refuse(event, event.url));
  contents.on('will-redirect', (event) => refuse(event, event.url));
  // No <webview>: it would be a second, unguarded browser inside the window.
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.action === 'deny' && decision.openExternally) options.openExternal(decision.openExternally);
    return { action: 'deny' };
  });
}

/** What `isTrustedSender` needs from an IPC event. */
export function senderInfo(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url,
    isMainFrame: frame !== null && frame !== undefined && frame.parent === null,
    webContentsId: event.sender.id,
  };
}

/** The IPC sender check, bound to the current trusted page and window. */
export function senderCheck(
  trusted: () => TrustedPage | undefined,
  windowIds: () => number[],
): (event: IpcMainInvokeEvent) => boolean {
  return (event) => {
    const page = trusted();
    return page !== undefined && isTrustedSender(senderInfo(event), page, windowIds());
  };
}

/** Logged URLs lose their query and fragment (tokens travel there). */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
