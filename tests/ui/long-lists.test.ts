import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminExtension } from '../../emulator/admin/index.js';
import { createTrafficExtension } from '../../emulator/traffic/index.js';
import { SegmentStore } from '../../emulator/traffic/store.js';
import type { ExchangeRecord } from '../../emulator/traffic/types.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { RequestsPage } from './pages/requests-page.js';
import { chromiumMissing, launchBrowser, screenshot, slug, type Browser } from './support/browser.js';
import { buildRenderer } from './support/build-renderer.js';

/**
 * 10,000 recorded requests in the dashboard: the list keeps only a window of rows in the page, scrolls
 * to the oldest, and new exchanges join it from the event stream (batched) without reloading the list.
 */
const RECORDS = 10_000;
let harness: Harness | undefined;
let browser: Browser | undefined;
let rendererDir: string | undefined;
let dataDir: string | undefined;

/** Writes `count` exchanges into the recorder's folder, as if they had been recorded earlier today. */
async function seed(dir: string, count: number): Promise<void> {
  const store = new SegmentStore(
    join(dir, 'traffic'),
    { maxRecords: 20_000, maxBytes: 256 * 1024 * 1024, maxAgeMs: 86_400_000 },
    Date.now,
  );
  await store.open();
  const start = Date.now() - 3_600_000;
  const records: ExchangeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const seq = store.takeSeq();
    const status = i % 97 === 0 ? 503 : i % 13 === 0 ? 404 : 200;
    records.push({
      id: String(seq),
      seq,
      time: new Date(start + i * 300).toISOString(),
      kind: 'data',
      pool: 'p1',
      identifier: `user-${String(i % 250).padStart(4, '0')}`,
      sessionId: 'seeded',
      method: i % 3 === 0 ? 'POST' : 'GET',
      scheme: 'http',
      host: '127.0.0.1',
      path: `/subscriptions/0/resourceGroups/sessionite/sessionPools/p1/item/${i}`,
      target: `/item/${i}`,
      query: `identifier=user-${String(i % 250).padStart(4, '0')}`,
      requestHeaders: { accept: 'application/json' },
      requestBody: { size: 0, encoding: 'utf8', data: '', truncated: false },
      status,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: { size: 12, encoding: 'utf8', data: `{"item":${i}}`, truncated: false },
      timing: {
        waitMs: 1,
        connectMs: 1,
        ttfbMs: 5 + (i % 40),
        headersMs: 8 + (i % 40),
        totalMs: 9 + (i % 40),
      },
      outcome: 'completed',
      redactions: [],
    });
  }
  await store.append(records);
  await store.close();
}

beforeAll(async () => {
  if (chromiumMissing) return;
  rendererDir = await buildRenderer();
  dataDir = await mkdtemp(join(tmpdir(), 'sessionite-ui-lists-'));
  await seed(dataDir, RECORDS);
  const traffic = createTrafficExtension({ dataDir, serveApi: false });
  harness = await startEmulator({
    pools: [testPool('p1', 'img:1', { maxConcurrentSessions: 20, readySessionInstances: 1 })],
    runtime: new FakeRuntime(),
    extensions: [
      traffic,
      createAdminExtension({ rendererDir, routes: [traffic.adminRoutes], requests: traffic }),
    ],
  });
  const h = harness;
  await until(h.emulator, () => h.emulator.getPool('p1')?.counts().ready === 1, 'a ready session');
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('long lists (chromium)', () => {
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      if (browser) await screenshot(browser.page, `FAILED-${slug(ctx.task.name)}`);
    });
  });

  it('shows 10,000 recorded requests with a window of rows in the page, and scrolls smoothly to the oldest', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const page = browser!.page;
    const dashboard = new DashboardPage(page, harness!.emulator.readyInfo().dashboard ?? '');
    await dashboard.open();
    const requests = new RequestsPage(dashboard);
    await requests.open();
    await requests.count.filter({ hasText: '500 shown of 10,000 recorded' }).waitFor();
    for (let shown = 1000; shown <= RECORDS; shown += 500) {
      await page.getByRole('button', { name: 'Load older requests' }).click();
      await requests.count.filter({ hasText: `${shown.toLocaleString('en-US')} shown of` }).waitFor();
    }
    await page.getByRole('button', { name: 'Load older requests' }).waitFor({ state: 'detached' });

    const measured = await page.evaluate<{
      before: number;
      after: number;
      median: number;
      p95: number;
    }>(`(async () => {
      const viewport = document.querySelector('.requests-table .virtual-viewport');
      const rowsInPage = () => document.querySelectorAll('.requests-table [role="row"]').length;
      const before = rowsInPage();
      const gaps = [];
      let last = performance.now();
      for (let i = 0; i < 90; i++) {
        viewport.scrollTop += 4000;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      viewport.scrollTop = viewport.scrollHeight;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      gaps.sort((a, b) => a - b);
      return { before, after: rowsInPage(), median: gaps[Math.floor(gaps.length / 2)], p95: gaps[Math.floor(gaps.length * 0.95)] };
    })()`);
    console.log(
      `10,000 rows: ${measured.before}/${measured.after} rows in the page; frame median ${measured.median.toFixed(1)} ms, p95 ${measured.p95.toFixed(1)} ms`,
    );
    // Only the window (plus its margin) is in the page, whatever the list's length.
    expect(measured.before).toBeLessThan(60);
    expect(measured.after).toBeLessThan(60);
    await requests.rows('/item/0?').first().waitFor();
    await screenshot(page, '30-requests-10000-oldest');
  });

  it('adds new exchanges from the event stream without reloading the list', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const page = browser!.page;
    const requests = new RequestsPage(new DashboardPage(page, harness!.emulator.readyInfo().dashboard ?? ''));
    await requests.count.filter({ hasText: '10,000 shown of 10,000' }).waitFor();
    const listCalls: string[] = [];
    page.on('request', (request) => {
      if (/\/_sessionite\/api\/requests(\?|$)/.test(request.url())) listCalls.push(request.url());
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(harness!.url('p1', `/live/${i}`, `live-${String(i % 4).padStart(4, '0')}`)).then((r) =>
          r.arrayBuffer(),
        ),
      ),
    );
    await requests.count.filter({ hasText: '10,040 shown of 10,040' }).waitFor();
    await page.evaluate(`document.querySelector('.requests-table .virtual-viewport').scrollTop = 0`);
    await requests.rows('/live/').first().waitFor();
    expect(listCalls).toEqual([]);
    await screenshot(page, '31-requests-live');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, '32-requests-live-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('is usable from the keyboard: a filter, a row, the exchange and back', async (ctx) => {
    ctx.skip(chromiumMissing !== undefined, chromiumMissing);
    const page = browser!.page;
    const requests = new RequestsPage(new DashboardPage(page, harness!.emulator.readyInfo().dashboard ?? ''));
    await page.getByLabel('Identifier', { exact: true }).focus();
    await page.keyboard.type('user-0007');
    await requests.count.filter({ hasText: /shown of 40 matching/ }).waitFor();
    // Tab on from the filters until a row's link has the focus (the toolbar's controls come first).
    const inTable = (): Promise<boolean> =>
      page.evaluate<boolean>(`Boolean(document.activeElement?.closest('.requests-table'))`);
    for (let i = 0; i < 40 && !(await inTable()); i++) await page.keyboard.press('Tab');
    expect(await inTable()).toBe(true);
    expect(await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`)).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByTestId('exchange-status').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^(GET|POST) \/item\/\d+$/);
    await screenshot(page, '33-request-detail-keyboard');
    await page.getByRole('link', { name: '← Recorded requests' }).focus();
    await page.keyboard.press('Enter');
    await requests.count.filter({ hasText: /shown of 40 matching/ }).waitFor();
  });
});
