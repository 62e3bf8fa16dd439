/**
 * OS features the renderer needs, behind one small interface. The web build uses the browser
 * implementation below; the Electron preload (issue 8) exposes its own as `window.sessionite` with the
 * same shape. Stores never touch `window`; they get these through `services.ts`.
 */
export interface Platform {
  readonly kind: 'browser' | 'electron';
  /** Where the admin API is and the token to present (from the URL fragment in the browser). */
  adminEndpoint(): Promise<{ origin: string; token?: string }>;
  copyText(text: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Offers `content` as a download / save dialog. */
  saveText(fileName: string, content: string, mimeType: string): Promise<void>;
  /** Lets the user pick a text file (HAR import …); undefined when they cancel. */
  openText(options?: OpenTextOptions): Promise<OpenedText | undefined>;
}

export interface OpenTextOptions {
  title?: string;
  /** File extensions offered, without dots (`har`, `json`). */
  extensions?: string[];
}

export interface OpenedText {
  /** The file's name only: the renderer never learns where on disk it was. */
  fileName: string;
  content: string;
}

const TOKEN_KEY = 'sessionite.adminToken';

export function browserPlatform(win: Window): Platform {
  return {
    kind: 'browser',
    async adminEndpoint() {
      // The token arrives as `#token=…` (never sent to a server); it moves to sessionStorage and leaves the URL.
      const match = /(?:^#|&)token=([^&]+)/.exec(win.location.hash);
      if (match?.[1]) {
        win.sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
        win.history.replaceState(null, '', win.location.pathname + win.location.search);
      }
      const token = win.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
      return { origin: win.location.origin, ...(token ? { token } : {}) };
    },
    async copyText(text) {
      if (win.navigator.clipboard && win.isSecureContext) {
        await win.navigator.clipboard.writeText(text);
        return;
      }
      const area = win.document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      win.document.body.appendChild(area);
      area.select();
      const copied = win.document.execCommand('copy');
      area.remove();
      if (!copied) throw new Error('the browser refused to copy');
    },
    async openExternal(url) {
      win.open(url, '_blank', 'noopener,noreferrer');
    },
    async saveText(fileName, content, mimeType) {
      const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
      const link = win.document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    openText(options = {}) {
      return new Promise<OpenedText | undefined>((resolve, reject) => {
        const input = win.document.createElement('input');
        input.type = 'file';
        if (options.extensions?.length) input.accept = options.extensions.map((e) => `.${e}`).join(',');
        input.addEventListener('cancel', () => resolve(undefined));
        input.addEventListener('change', () => {
          const file = input.files?.[0];
          if (!file) return resolve(undefined);
          file.text().then((content) => resolve({ fileName: file.name, content }), reject);
        });
        input.click();
      });
    },
  };
}
