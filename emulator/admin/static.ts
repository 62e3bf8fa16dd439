import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the package root (the folder whose package.json is Sessionite's) by walking up from this file.
 * This works from the sources (`emulator/admin/`, tests) and from the build (`dist/emulator/admin/`)
 * alike, so the built dashboard is always `<root>/dist/renderer`.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
        if (pkg.name === 'sessionite') return dir;
      } catch {
        // An unreadable package.json above us is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function packageVersion(root = packageRoot()): string {
  if (!root) return 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The built dashboard: an explicit folder (Electron, tests) or `<root>/dist/renderer`; undefined when not built. */
export function findRendererDir(explicit?: string): string | undefined {
  const candidates = explicit ? [explicit] : [];
  const root = packageRoot();
  if (root) candidates.push(join(root, 'dist', 'renderer'));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** What `/_sessionite/` shows when the dashboard was not built: the API still works. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sessionite</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>This emulator runs, and its admin API answers under <code>/_sessionite/api/</code>, but the dashboard's
files were not found. Build them with <code>npm run build:renderer</code> and reload this page.</p>
</body></html>
`;
