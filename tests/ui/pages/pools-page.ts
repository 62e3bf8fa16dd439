import type { Locator, Page } from 'playwright-core';
import type { DashboardPage } from './dashboard-page.js';

export interface PoolFields {
  name?: string;
  image?: string;
  targetPort?: string;
  maxConcurrentSessions?: string;
  readySessionInstances?: string;
  cooldownSeconds?: string;
}

/** Pools: the list, the create/edit form (by its labels) and a pool's endpoint panel. */
export class PoolsPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(): Promise<void> {
    await this.dashboard.go('Pools');
    await this.dashboard.heading('Pools').waitFor();
  }

  row(name: string): Locator {
    return this.page.getByRole('table', { name: 'Pools' }).locator(`tr[data-pool="${name}"]`);
  }

  async startCreate(): Promise<void> {
    await this.page.getByRole('button', { name: 'Create pool' }).click();
    await this.dashboard.heading('Create a pool').waitFor();
  }

  async fill(fields: PoolFields): Promise<void> {
    const labels: [keyof PoolFields, string][] = [
      ['name', 'Name'],
      ['image', 'Image'],
      ['targetPort', 'Target port'],
      ['maxConcurrentSessions', 'Max concurrent sessions'],
      ['readySessionInstances', 'Ready session instances'],
      ['cooldownSeconds', 'Cooldown (seconds)'],
    ];
    for (const [key, label] of labels) {
      const value = fields[key];
      if (value !== undefined) await this.page.getByLabel(label, { exact: true }).fill(value);
    }
  }

  async submit(): Promise<void> {
    await this.page
      .getByRole('button', { name: /^(Create pool|Save changes)$/ })
      .last()
      .click();
  }

  /** The validation message shown under a field (linked with aria-describedby). */
  fieldError(label: string): Locator {
    return this.page
      .locator('.field.invalid')
      .filter({ has: this.page.getByLabel(label, { exact: true }) })
      .locator('.field-error');
  }

  get endpoint(): Locator {
    return this.page.getByTestId('pool-endpoint');
  }

  async snippet(tab: 'curl' | 'JavaScript' | 'Python'): Promise<string> {
    await this.page.getByRole('tab', { name: tab }).click();
    return (await this.page.getByRole('tabpanel').locator('pre').textContent()) ?? '';
  }

  async deleteFromList(name: string): Promise<void> {
    await this.row(name)
      .getByRole('button', { name: `Delete ${name}` })
      .click();
    const dialog = this.page.getByRole('dialog', { name: `Delete pool ${name}?` });
    await dialog.getByRole('button', { name: 'Delete pool' }).click();
    await this.row(name).waitFor({ state: 'detached' });
  }
}
