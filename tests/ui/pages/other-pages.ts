import type { Locator, Page } from 'playwright-core';
import type { DashboardPage } from './dashboard-page.js';

/** Requests: the composer and its response. */
export class RequestsPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(): Promise<void> {
    await this.dashboard.go('Requests');
  }

  async send(request: {
    pool: string;
    identifier: string;
    method?: string;
    path?: string;
    body?: string;
  }): Promise<void> {
    await this.page.getByLabel('Pool', { exact: true }).selectOption(request.pool);
    await this.page.getByLabel('Identifier', { exact: true }).fill(request.identifier);
    await this.page.getByLabel('Method', { exact: true }).selectOption(request.method ?? 'GET');
    await this.page.getByLabel('Path', { exact: true }).fill(request.path ?? '/');
    if (request.body !== undefined) await this.page.getByLabel('Body', { exact: true }).fill(request.body);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
  }

  get status(): Locator {
    return this.page.getByTestId('response-status');
  }
}

/** Identity: issue a token, copy it. */
export class IdentityPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(): Promise<void> {
    await this.dashboard.go('Identity');
  }

  async issue(audience: string): Promise<void> {
    await this.page.getByLabel('Audience', { exact: true }).fill(audience);
    await this.page.getByRole('button', { name: 'Issue token' }).click();
    await this.page.getByRole('heading', { name: 'Claims' }).waitFor();
  }

  async copyToken(): Promise<string> {
    await this.page.getByRole('button', { name: 'Copy token' }).click();
    await this.page.getByRole('button', { name: 'Copy token' }).filter({ hasText: 'Copied' }).waitFor();
    return String(await this.page.evaluate('navigator.clipboard.readText()'));
  }
}

/** Overview: pool cards and recent errors. */
export class OverviewPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(): Promise<void> {
    await this.dashboard.go('Overview');
  }

  count(pool: string, what: 'ready' | 'starting' | 'allocated' | 'max'): Locator {
    return this.page.getByRole('article', { name: `Pool ${pool}` }).locator(`[data-count="${what}"]`);
  }

  get errors(): Locator {
    return this.page.locator('.error-list li');
  }
}
