import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminExtension } from '../../emulator/admin/index.js';
import { createLogsExtension } from '../../emulator/logs/index.js';
import { DockerRuntime } from '../../emulator/runtime/docker.js';
import { createTrafficExtension } from '../../emulator/traffic/index.js';
import { ensureEchoImage } from '../support/images.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { IdentityPage, LogsPage, OverviewPage } from './pages/other-pages.js';
import { PoolsPage } from './pages/pools-page.js';
import { RequestsPage } from './pages/requests-page.js';
import { SessionsPage } from './pages/sessions-page.js';
import { chromiumMissing, launchBrowser, screenshot, slug, type Browser } from './support/browser.js';
import { buildRenderer } from './support/build-renderer.js';

/**
 * The dashboard against a real emulator on real Docker (the offline echo image), with request
 * recording and log capture mounted into the admin API the way a host wires them. One user's path
 * through every view, in order; each wait is on something the page or the engine shows.
 */
let harness: Harness | undefined;
let browser: Browser | undefined;
let rendererDir: string | undefined;
let dataDir: string | undefined;
let image = '';
let dashboard: DashboardPage;
const POOL = 'echo';
const USER = 'ui-0001';

beforeAll(async () => {
  if (chromiumMissing) return;
  image = await ensureEchoImage();
  rendererDir = await buildRenderer();
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-ui-docker-'));
  const runtime = new DockerRuntime();
  const traffic = createTrafficExtension({ dataDir, serveApi: false });
  const logs = createLogsExtension({ dataDir, runtime });
  const admin = createAdminExtension({
    rendererDir,
    routes: [traffic.adminRoutes, { feature: 'logs', router: () => logs.router() }],
    requests: traffic,
    sessionStats: { intervalMs: 2000 },
  });
  harness = await startEmulator({
    pools: [],
    runtime,
    auth: { mode: 'basic' },
    extensions: [traffic, logs, admin],
  });
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: harness.emulator.httpUrl,
  });
  dashboard = new DashboardPage(browser.page, harness.emulator.readyInfo().dashboard ?? '');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

beforeEach((ctx) => {
  ctx.onTestFailed(async () => {
    if (browser) await screenshot(browser.page, `FAILED-docker-${slug(ctx.task.name)}`);
  });
});

const skip = chromiumMissing;

describe('dashboard on real Docker (chromium)', () => {
  it('creates a pool of the echo image in the form', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    await dashboard.open();
    const pools = new PoolsPage(dashboard);
    await pools.open();
    await pools.startCreate();
    await pools.fill({
      name: POOL,
      image,
      targetPort: '8080',
      maxConcurrentSessions: '5',
      readySessionInstances: '1',
    });
    await screenshot(browser!.page, '40-docker-pool-form');
    await pools.submit();
    await dashboard.heading(`Pool ${POOL}`).waitFor();
    await until(
      harness!.emulator,
      () => harness!.emulator.getPool(POOL)?.counts().ready === 1,
      'a ready echo session',
    );
    await pools.open();
    await pools.row(POOL).getByText('ready', { exact: true }).waitFor();
    await screenshot(browser!.page, '41-docker-pools');
  });

  it('sends a request from the composer, and it is recorded', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const requests = new RequestsPage(dashboard);
    await requests.openComposer();
    await requests.send({ pool: POOL, identifier: USER, method: 'GET', path: '/log?lines=3' });
    await requests.status.filter({ hasText: '200' }).waitFor({ timeout: 60_000 });
    await browser!.page.getByText('"printed": 3').waitFor();
    // A second one to the echo route, whose answer names the container that served it.
    await requests.send({
      pool: POOL,
      identifier: USER,
      method: 'POST',
      path: '/run',
      headers: 'content-type: application/json',
      body: '{"code": "1+1"}',
    });
    await browser!.page.getByText('"path": "/run"').waitFor({ timeout: 60_000 });
    await screenshot(browser!.page, '42-docker-composer');
    await requests.open();
    await requests.rows(`identifier=${USER}`).first().waitFor();
    await screenshot(browser!.page, '43-docker-requests');
  });

  it('shows the session appear, count down, with its CPU and memory', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const sessions = new SessionsPage(dashboard);
    await sessions.open(POOL);
    await sessions.row(USER).waitFor();
    const first = await sessions.expiresIn(USER).textContent();
    expect(first).toMatch(/^[45]m \d\ds$/);
    await sessions
      .expiresIn(USER)
      .filter({ hasNotText: first ?? '' })
      .waitFor({ timeout: 10_000 });
    // Memory from the first reading, CPU once a second one exists (readings every 2 s here).
    await sessions
      .memory(USER)
      .filter({ hasText: /\d(\.\d)? (KiB|MiB)$/ })
      .waitFor({ timeout: 30_000 });
    await sessions.cpu(USER).filter({ hasText: /%$/ }).waitFor({ timeout: 30_000 });
    await screenshot(browser!.page, '44-docker-sessions');
  });

  it('jumps from the session to its live logs, then queries them with KQL', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const sessions = new SessionsPage(dashboard);
    await sessions.logs(USER);
    const logs = new LogsPage(dashboard);
    await dashboard.heading('Logs').waitFor();
    await logs.tail.getByText('log line 3/3').waitFor({ timeout: 30_000 });
    await screenshot(browser!.page, '45-docker-logs-tail');

    await logs.query(
      `AppEnvSessionConsoleLogs_CL\n| where SessionPoolName_s == "${POOL}" and SessionId_s == "${USER}" and Log_s startswith "log line"\n| project TimeGenerated, Level_s, Log_s\n| order by TimeGenerated asc`,
    );
    await browser!.page
      .getByTestId('query-summary')
      .filter({ hasText: /^3 rows/ })
      .waitFor();
    expect(await logs.results.getByRole('cell', { name: 'log line 2/3' }).count()).toBe(1);
    const time = logs.results.getByRole('row').nth(1).getByRole('cell').first();
    await browser!.page.getByRole('radio', { name: 'UTC' }).first().check();
    await time.filter({ hasText: /Z$/ }).waitFor();
    await screenshot(browser!.page, '46-docker-logs-query');
    await browser!.page.getByRole('radio', { name: 'Local' }).first().check();
  });

  it('replays a recorded request to a new identifier and shows the difference', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const requests = new RequestsPage(dashboard);
    await requests.open();
    await requests.filter('Identifier', USER);
    await requests.filter('Path contains', '/run');
    await requests.count.filter({ hasText: /^1 shown of 1 matching/ }).waitFor();
    await requests.openRow('/run?');
    await requests.exchangeStatus.filter({ hasText: '200' }).waitFor();
    await requests.replayToNewIdentifier();
    const text = (await requests.replayResult.textContent()) ?? '';
    const identifier = /to (replay-[0-9a-f]+)/.exec(text)?.[1];
    expect(identifier, text).toBeDefined();
    expect(text).toContain(': 200');
    expect(harness!.emulator.getPool(POOL)?.view(identifier ?? '')).toBeDefined();
    await requests.comparison.waitFor();
    // Another container answered (its hostname is in the echo), so the bodies show changed lines.
    await requests.comparison.locator('.sbs-changed').first().waitFor();
    await screenshot(browser!.page, '47-docker-replay-compare');
    await browser!.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(browser!.page, '48-docker-replay-compare-dark');
    await browser!.page.emulateMedia({ colorScheme: 'light' });
  });

  it('edits and resends a request to a chosen identifier', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const page = browser!.page;
    await page.getByRole('button', { name: 'Edit and resend…' }).click();
    const form = page.getByRole('form', { name: 'Edit and resend' });
    await form.getByLabel('This one:').check();
    await form.getByLabel('Identifier to replay to').fill('ui-0002');
    await form.getByLabel('Query', { exact: true }).fill('lines=1');
    await form.getByLabel('Headers', { exact: true }).fill('accept: application/json\nx-edited: yes');
    await screenshot(page, '49-docker-edit-resend');
    await form.getByRole('button', { name: 'Send edited request' }).click();
    const requests = new RequestsPage(dashboard);
    await requests.replayResult.filter({ hasText: 'ui-0002' }).waitFor({ timeout: 60_000 });
    expect(await requests.replayResult.textContent()).toContain(': 200');
    expect(harness!.emulator.getPool(POOL)?.view('ui-0002')).toBeDefined();
  });

  it('exports a request as HAR and imports it again', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const requests = new RequestsPage(dashboard);
    const download = await requests.export('HAR', 'exchange');
    const harFile = join(dataDir!, 'exported.har');
    await download.saveAs(harFile);
    const har = JSON.parse(await readFile(harFile, 'utf8')) as { log: { entries: unknown[] } };
    expect(har.log.entries).toHaveLength(1);
    await writeFile(harFile, JSON.stringify(har));
    await requests.open();
    const outcome = await requests.importHar(harFile);
    await outcome.getByRole('listitem').filter({ hasText: '→ 200' }).waitFor({ timeout: 60_000 });
    await screenshot(browser!.page, '50-docker-har-imported');
    const curl = await requests.export('curl');
    expect(await readFile(await curl.path(), 'utf8')).toContain('curl');
  });

  it('copies a token', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const identity = new IdentityPage(dashboard);
    await identity.open();
    await identity.issue('https://dynamicsessions.io');
    const copied = await identity.copyToken();
    expect(copied.split('.')).toHaveLength(3);
    await screenshot(browser!.page, '51-docker-identity');
  });

  it('stops the session from its row', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const sessions = new SessionsPage(dashboard);
    await sessions.open(POOL);
    await sessions.row(USER).waitFor();
    await sessions.stop(USER);
    await sessions.row(USER).waitFor({ state: 'detached', timeout: 60_000 });
    expect(harness!.emulator.getPool(POOL)?.view(USER)).toBeUndefined();
    await screenshot(browser!.page, '52-docker-sessions-after-stop');
  });

  it('shows the overview and settings with live data', async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const overview = new OverviewPage(dashboard);
    await overview.open();
    await overview
      .count(POOL, 'allocated')
      .filter({ hasText: /^[1-9]$/ })
      .waitFor();
    await screenshot(browser!.page, '53-docker-overview');
    await dashboard.go('Settings');
    await browser!.page.getByText('Allocation timeout').waitFor();
    await screenshot(browser!.page, '54-docker-settings');
  });
});
