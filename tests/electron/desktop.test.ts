import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../emulator/pool/context.js';
import { findElectronBinary } from '../../electron/tools/electron-binary.js';
import { BIN } from '../support/cli-process.js';
import { ensureEchoImage } from '../support/images.js';
import { OverviewPage } from '../ui/pages/other-pages.js';
import { DesktopApp } from './pages/desktop-app.js';

/**
 * The desktop app as built and as run. The build half runs everywhere (electron-vite needs no
 * Electron binary); the smoke half needs the binary, which cannot be downloaded on machines without
 * internet, and a display: where either is missing it is reported as skipped, with the reason.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = (path: string): string => join(root, 'out', path);

const binary = findElectronBinary();
const noDisplay =
  process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
    ? 'no display ($DISPLAY is unset; run the tests under xvfb-run)'
    : undefined;
const smokeSkipped = binary.reason ?? noDisplay;

beforeAll(async () => {
  // The same command as `npm run build:electron`; offline, with ELECTRON_SKIP_BINARY_DOWNLOAD=1 installs.
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    },
  );
}, 180_000);

describe('desktop build (electron-vite)', () => {
  it('writes the main process as an ES module that loads Electron and the dependencies at run time', async () => {
    const main = await readFile(out('main/index.js'), 'utf8');
    expect(main).toMatch(/^import \{[^}]*\bapp\b[^}]*\} from "electron";$/m);
    expect(main).toMatch(/^import express, \{ Router \} from "express";$/m);
    // keytar is optional: loaded lazily, never bundled, so a missing keytar falls back to the 0600 file.
    expect(main).toContain('await import("keytar")');
    expect(main).not.toMatch(/from "vue"|from "pinia"/);
  });

  it('writes the preload as one CommonJS file that requires nothing but electron (the sandbox allows no more)', async () => {
    const preload = await readFile(out('preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\((["'])([^"']+)\1\)/g)].map((match) => match[2]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).toContain('exposeInMainWorld(EXPOSED_NAME');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('writes the dashboard with relative assets and its Content-Security-Policy', async () => {
    const html = await readFile(out('renderer/index.html'), 'utf8');
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).toMatch(/src="\.\/assets\/index-[\w-]+\.js"/);
  });
});

/** Runs `command`, resolves with its first stdout line, then stops it with SIGTERM and waits for the exit code. */
async function firstLineThenStop(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ line: string; code: number | null }> {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    void exited.then((code) => reject(new Error(`exited (${code}) before the ready line: ${stderr}`)));
  });
  child.kill('SIGTERM');
  return { line, code: await exited };
}

/**
 * The built main process under plain Node with a stand-in `electron` module (only `app` works), so
 * `--headless` is checked on every machine, binary or not. The stand-in is resolved by a loader hook.
 */
function runHeadless(userData: string, args: string[]): Promise<{ line: string; code: number | null }> {
  const hooks = fileURLToPath(new URL('./support/fake-electron-hooks.mjs', import.meta.url));
  return firstLineThenStop(
    process.execPath,
    ['--import', hooks, out('main/index.js'), '--headless', '--user-data-dir', userData, ...args],
    {
      FAKE_ELECTRON_APP_DATA: userData,
    },
  );
}

describe('desktop app --headless (built main process, Electron API stood in for)', () => {
  it('prints the same ready line as `sessionite start`, and SIGTERM stops it cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sessionite-headless-'));
    try {
      const flags = ['--port', '0', '--https-port', '0'];
      const app = await runHeadless(join(dir, 'app'), flags);
      const cli = await firstLineThenStop(process.execPath, [
        BIN,
        'start',
        ...flags,
        '--data-dir',
        join(dir, 'cli'),
      ]);
      const appReady = JSON.parse(app.line) as Record<string, unknown>;
      const cliReady = JSON.parse(cli.line) as Record<string, unknown>;
      expect(Object.keys(appReady)).toEqual(Object.keys(cliReady));
      expect(appReady).toMatchObject({ event: 'ready', pools: {} });
      expect(appReady.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sessionite\/$/);
      expect(appReady.ca).toBe(join(dir, 'app', 'data', 'tls', 'ca.pem'));
      expect([app.code, cli.code]).toEqual([0, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('falls back from a remembered port that is taken and remembers the new one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sessionite-headless-'));
    const blocker = createServer();
    try {
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const taken = (blocker.address() as { port: number }).port;
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, 'desktop-settings.json'),
        JSON.stringify({ version: 1, ports: { http: taken, https: 0 } }),
      );
      const { line, code } = await runHeadless(dir, []);
      const port = Number(new URL((JSON.parse(line) as { http: string }).http).port);
      expect(port).not.toBe(taken);
      const settings = JSON.parse(await readFile(join(dir, 'desktop-settings.json'), 'utf8')) as {
        ports: { http: number };
      };
      expect(settings.ports.http).toBe(port);
      expect(code).toBe(0);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function sessionContainers(instanceId: string): string[] {
  const output = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABELS.instance}=${instanceId}`], {
    encoding: 'utf8',
  }).trim();
  return output ? output.split('\n') : [];
}

const poolFile = (image: string): string => `pools:
  - name: smoke
    properties:
      scaleConfiguration: { maxConcurrentSessions: 3, readySessionInstances: 1 }
      dynamicPoolConfiguration:
        lifecycleConfiguration: { lifecycleType: Timed, cooldownPeriodInSeconds: 300 }
      customContainerTemplate:
        containers:
          - name: main
            image: ${image}
            resources: { cpu: 0.25, memory: 0.5Gi }
        ingress: { targetPort: 8080 }
`;

describe('desktop app (Electron binary)', () => {
  const title = 'starts, shows the overview over the preload, and quitting removes every session container';
  it.skipIf(smokeSkipped !== undefined)(
    `${title}${smokeSkipped ? ` — skipped: ${smokeSkipped}` : ''}`,
    async () => {
      const userData = await mkdtemp(join(tmpdir(), 'sessionite-desktop-smoke-'));
      let instanceId = '';
      try {
        const config = join(userData, 'pools.yaml');
        await writeFile(config, poolFile(await ensureEchoImage()));
        const desktop = await DesktopApp.launch({
          executablePath: binary.path ?? '',
          main: out('main/index.js'),
          args: ['--user-data-dir', userData, '--config', config, '--port', '0', '--https-port', '0'],
        });
        try {
          const dashboard = desktop.dashboard();
          await dashboard.heading('Overview').waitFor();
          // "Live" means the event stream is connected: the preload's endpoint and token reached the admin API.
          await dashboard.live.filter({ hasText: 'Live' }).waitFor();
          expect(await desktop.exposedApi()).toEqual([
            'adminEndpoint',
            'copyText',
            'keychainGet',
            'keychainSet',
            'kind',
            'openExternal',
            'openText',
            'revealDataFolder',
            'saveText',
          ]);
          await new OverviewPage(dashboard)
            .count('smoke', 'ready')
            .filter({ hasText: /^1$/ })
            .waitFor({ timeout: 90_000 });
          instanceId = (
            JSON.parse(await readFile(join(userData, 'data', 'emulator.json'), 'utf8')) as {
              instanceId: string;
            }
          ).instanceId;
          expect(sessionContainers(instanceId).length).toBeGreaterThan(0);
        } finally {
          await desktop.quit();
        }
        expect(sessionContainers(instanceId)).toEqual([]);
      } finally {
        await rm(userData, { recursive: true, force: true });
      }
    },
    240_000,
  );
});
