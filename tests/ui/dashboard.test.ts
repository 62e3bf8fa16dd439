import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminExtension } from '../../emulator/admin/index.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { IdentityPage, OverviewPage } from './pages/other-pages.js';
import { RequestsPage } from './pages/requests-page.js';
import { PoolsPage } from './pages/pools-page.js';
import { SessionsPage } from './pages/sessions-page.js';
import { chromiumMissing, launchBrowser, screenshot, type Browser } from './support/browser.js';
import { buildRenderer } from './support/build-renderer.js';

/**
 * The dashboard end to end: a real emulator in this process (on the fake container runtime; a
 * real-Docker run follows), the freshly built renderer, and Debian's chromium driven by playwright-core
 * through page objects. Every wait is on something the page shows; there are no sleeps and no retries.
 * Screenshots of every view go to test-artifacts/screenshots/.
 */
let harness: Harness | undefined;
let runtime: FakeRuntime;
let browser: Browser | undefined;
let rendererDir: string | undefined;
let dashboard: DashboardPage;

beforeAll(async () => {
  if (chromiumMissing) return;
  rendererDir = await buildRenderer();
  runtime = new FakeRuntime();
  runtime.missingImages.add('registry.example/missing:1');
  harness = await startEmulator({
    pools: [],
    runtime,
    auth: { mode: 'basic' },
    extensions: [createAdminExtension({ rendererDir })],
  });
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: harness.emulator.httpUrl,
  });
  dashboard = new DashboardPage(browser.page, harness.emulator.readyInfo().dashboard ?? '');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
});

async function dataPlaneHeaders(): Promise<Record<string, string>> {
  const token = await harness!.emulator.identity.issueToken({
    resource: 'https://dynamicsessions.io',
    origin: harness!.emulator.httpsUrl,
  });
  return { authorization: `Bearer ${token.accessToken}` };
}

describe('dashboard (chromium, in-process emulator)', () => {
  it('starts empty and says what to do next', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    await dashboard.open();
    await dashboard.heading('Overview').waitFor();
    await browser!.page.getByText('No pools yet').waitFor();
    await browser!.page.getByText('Container engine').waitFor();
    await screenshot(browser!.page, '01-overview-empty');
  });

  it('creates a pool in the form, showing the API validation on the fields first', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const pools = new PoolsPage(dashboard);
    await pools.open();
    await browser!.page.getByText('No pools yet').waitFor();
    await pools.startCreate();
    await pools.fill({ name: 'web', image: '', maxConcurrentSessions: '3', readySessionInstances: '3' });
    await pools.submit();
    await pools.fieldError('Image').waitFor();
    expect(await pools.fieldError('Image').textContent()).toContain('is required');
    expect(await pools.fieldError('Ready session instances').textContent()).toContain(
      'less than maxConcurrentSessions (3)',
    );
    expect(await browser!.page.evaluate('document.activeElement?.id')).toBe('f-image');
    await screenshot(browser!.page, '02-pool-form-validation');

    await pools.fill({ image: 'img:1', readySessionInstances: '1' });
    await pools.submit();
    await dashboard.heading('Pool web').waitFor();
    expect(await pools.endpoint.textContent()).toBe(harness!.emulator.poolEndpoint('web'));
    expect(await pools.snippet('JavaScript')).toContain("from '@azure/identity'");
    expect(await pools.snippet('Python')).toContain('ClientSecretCredential');
    const curl = await pools.snippet('curl');
    expect(curl).toContain(harness!.emulator.poolEndpoint('web'));
    await screenshot(browser!.page, '03-pool-detail-endpoint');

    await pools.open();
    await pools.row('web').waitFor();
    await until(
      harness!.emulator,
      () => harness!.emulator.getPool('web')?.counts().ready === 1,
      'a ready session of web',
    );
    await pools.row('web').getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await screenshot(browser!.page, '04-pools-list');
  });

  it('shows a session appear live, count down, and stop', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const sessions = new SessionsPage(dashboard);
    await sessions.open('web');
    await sessions.emptyState.waitFor();

    const response = await fetch(`${harness!.emulator.poolEndpoint('web')}/hello?identifier=user-0001`, {
      headers: await dataPlaneHeaders(),
    });
    expect(response.status).toBe(200);
    await sessions.row('user-0001').waitFor();
    const first = await sessions.expiresIn('user-0001').textContent();
    expect(first).toMatch(/^[45]m \d\ds$/);
    // Counting down: the cell changes on its own, without a reload.
    await sessions
      .expiresIn('user-0001')
      .filter({ hasNotText: first ?? '' })
      .waitFor({ timeout: 5000 });
    await screenshot(browser!.page, '05-sessions-live');

    await sessions.stop('user-0001');
    await sessions.emptyState.waitFor();
    expect(harness!.emulator.getPool('web')?.view('user-0001')).toBeUndefined();
  });

  it('sends a request from the composer', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const requests = new RequestsPage(dashboard);
    await requests.open();
    // This emulator has no request recording: the view says so instead of showing an empty list.
    await browser!.page.getByText('Request recording is not available yet').waitFor();
    await screenshot(browser!.page, '16-requests-not-available');
    await requests.openComposer();
    await requests.send({
      pool: 'web',
      identifier: 'composer-1',
      method: 'POST',
      path: '/run',
      body: '{"code":"1+1"}',
    });
    await requests.status.filter({ hasText: '200' }).waitFor();
    await browser!.page.getByText('"method": "POST"').waitFor();
    expect(harness!.emulator.getPool('web')?.view('composer-1')).toBeDefined();
    await screenshot(browser!.page, '06-requests-composer');
  });

  it('issues and copies a token', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const identity = new IdentityPage(dashboard);
    await identity.open();
    await identity.issue('https://dynamicsessions.io');
    const copied = await identity.copyToken();
    expect(copied.split('.')).toHaveLength(3);
    await browser!.page.getByText('"aud"').waitFor();
    await screenshot(browser!.page, '07-identity');
  });

  it('shows counts, activity and recent errors on the overview', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const pools = new PoolsPage(dashboard);
    await pools.open();
    await pools.startCreate();
    await pools.fill({ name: 'broken', image: 'registry.example/missing:1' });
    await pools.submit();
    await dashboard.heading('Pool broken').waitFor();
    await browser!.page.getByText('could not be pulled').waitFor();

    const overview = new OverviewPage(dashboard);
    await overview.open();
    await overview.errors.filter({ hasText: 'registry.example/missing:1' }).first().waitFor();
    await overview
      .count('web', 'allocated')
      .filter({ hasText: /^[1-9]$/ })
      .waitFor();
    await browser!.page.getByText(/allocations: [1-9]/).waitFor();
    await screenshot(browser!.page, '08-overview-live');
    await browser!.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(browser!.page, '09-overview-dark');
    await browser!.page.emulateMedia({ colorScheme: 'light' });
  });

  it('says honestly what the logs view waits for, and shows settings', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    await dashboard.go('Logs');
    await browser!.page.getByText('Log queries are not available yet').waitFor();
    await screenshot(browser!.page, '10-logs');
    await dashboard.go('Settings');
    await browser!.page.getByText('Allocation timeout').waitFor();
    await screenshot(browser!.page, '11-settings');
  });

  it('edits a pool: the form starts from its ARM view and the change reaches the engine', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const pools = new PoolsPage(dashboard);
    await pools.open();
    await pools.row('web').getByRole('link', { name: 'web' }).click();
    await dashboard.heading('Pool web').waitFor();
    await browser!.page.getByRole('button', { name: 'Edit' }).click();
    const image = browser!.page.getByLabel('Image', { exact: true });
    await image.waitFor();
    expect(await image.inputValue()).toBe('img:1');
    expect(await browser!.page.getByLabel('Name', { exact: true }).getAttribute('readonly')).not.toBeNull();
    await pools.fill({ cooldownSeconds: '100' });
    await pools.submit();
    await pools.fieldError('Cooldown (seconds)').waitFor();
    expect(await pools.fieldError('Cooldown (seconds)').textContent()).toContain('between 300 and 3600');
    await pools.fill({ cooldownSeconds: '600', image: 'img:2' });
    await screenshot(browser!.page, '15-pool-edit');
    await pools.submit();
    await pools.endpoint.waitFor();
    expect(harness!.emulator.getPool('web')?.spec).toMatchObject({
      lifecycle: { type: 'Timed', cooldownMs: 600_000 },
      container: { image: 'img:2' },
    });
  });

  it('deletes a pool after confirmation', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const pools = new PoolsPage(dashboard);
    await pools.open();
    await pools.row('broken').getByRole('button', { name: 'Delete broken' }).click();
    await screenshot(browser!.page, '12-delete-confirm');
    await browser!.page.getByRole('dialog').getByRole('button', { name: 'Delete pool' }).click();
    await pools.row('broken').waitFor({ state: 'detached' });
    expect(harness!.emulator.getPool('broken')).toBeUndefined();
  });

  it('is usable from the keyboard alone', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const page = browser!.page;
    await dashboard.open();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Pools');
    await page.keyboard.press('Enter');
    await dashboard.heading('Pools').waitFor();
    // Focus is visible: the focused control draws an outline.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
  });
});

describe('dashboard off loopback (token required)', () => {
  it('takes the token from the ready line URL, drops it from the address bar, and says when it is missing', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const remote = await startEmulator({
      pools: [],
      runtime: new FakeRuntime(),
      host: '0.0.0.0',
      extensions: [createAdminExtension({ listenHost: '0.0.0.0', rendererDir })],
    });
    try {
      const page = await browser!.context.newPage();
      const withToken = new DashboardPage(page, remote.emulator.readyInfo().dashboard ?? '');
      expect(withToken.url).toMatch(/#token=[\w-]{20,}$/);
      await withToken.open();
      await page.getByText('No pools yet').waitFor();
      expect(page.url()).not.toContain('token=');
      await screenshot(page, '13-overview-with-token');

      // A new tab has its own sessionStorage: opened without the fragment, it has no token.
      const other = await browser!.context.newPage();
      await other.goto(`${remote.emulator.httpUrl}/_sessionite/`);
      await other.getByRole('alert').filter({ hasText: 'TokenRequired' }).first().waitFor();
      await other.getByText('Not authorized').waitFor();
      await screenshot(other, '14-token-missing');
      await other.close();
      await page.close();
    } finally {
      await remote.stop();
    }
  });
});
