import type { Locator, Page } from 'playwright-core';
import type { DashboardPage } from './dashboard-page.js';

/** Sessions: the live table of one pool. */
export class SessionsPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(pool: string): Promise<void> {
    await this.dashboard.go('Sessions');
    await this.page.getByLabel('Pool', { exact: true }).selectOption(pool);
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: /^Sessions of / });
  }

  row(identifier: string): Locator {
    return this.table.getByRole('row').filter({ hasText: identifier });
  }

  expiresIn(identifier: string): Locator {
    return this.row(identifier).getByTestId('expires-in');
  }

  cpu(identifier: string): Locator {
    return this.row(identifier).getByTestId('cpu');
  }

  memory(identifier: string): Locator {
    return this.row(identifier).getByTestId('memory');
  }

  async logs(identifier: string): Promise<void> {
    await this.row(identifier)
      .getByRole('button', { name: `Logs of session ${identifier}` })
      .click();
  }

  async requests(identifier: string): Promise<void> {
    await this.row(identifier)
      .getByRole('button', { name: `Requests of session ${identifier}` })
      .click();
  }

  async stop(identifier: string): Promise<void> {
    await this.row(identifier)
      .getByRole('button', { name: `Stop session ${identifier}` })
      .click();
  }

  get emptyState(): Locator {
    return this.page.getByText('No sessions in this pool');
  }
}
