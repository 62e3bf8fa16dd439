import type { Locator, Page } from 'playwright-core';
import type { DashboardPage } from './dashboard-page.js';

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

/** Logs: KQL queries and the live tail. */
export class LogsPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(): Promise<void> {
    await this.dashboard.go('Logs');
    await this.dashboard.heading('Logs').waitFor();
  }

  async query(kql: string): Promise<void> {
    await this.page.getByRole('tab', { name: 'KQL query' }).click();
    await this.page.getByRole('textbox', { name: 'KQL query' }).fill(kql);
    await this.page.getByRole('button', { name: 'Run query' }).click();
    await this.page.getByTestId('query-summary').or(this.page.getByRole('alert')).first().waitFor();
  }

  get results(): Locator {
    return this.page.getByRole('table', { name: 'Query results' });
  }

  get tail(): Locator {
    return this.page.getByRole('table', { name: 'Live console output' });
  }

  get tailState(): Locator {
    return this.page.getByRole('tabpanel').getByRole('status').first();
  }
}
