import type { Locator, Page } from 'playwright-core';

export type ViewLabel = 'Overview' | 'Pools' | 'Sessions' | 'Requests' | 'Logs' | 'Identity' | 'Settings';

/** The shell: navigation and the live-connection indicator. Views are reached through it, like a user would. */
export class DashboardPage {
  constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(this.url);
    await this.live.filter({ hasText: 'Live' }).waitFor();
  }

  get live(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('status');
  }

  async go(view: ViewLabel): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: view, exact: true })
      .click();
    await this.page.getByRole('heading', { level: 1 }).first().waitFor();
  }

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }
}
