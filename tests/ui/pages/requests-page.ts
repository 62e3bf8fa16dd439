import type { Download, Locator, Page } from 'playwright-core';
import type { DashboardPage } from './dashboard-page.js';

/** Requests: the recorded list with its filters, one exchange (replay, compare), the composer. */
export class RequestsPage {
  readonly page: Page;

  constructor(private readonly dashboard: DashboardPage) {
    this.page = dashboard.page;
  }

  async open(): Promise<void> {
    await this.dashboard.go('Requests');
    await this.dashboard.heading('Requests').waitFor();
  }

  async openComposer(): Promise<void> {
    await this.open();
    await this.page.getByRole('button', { name: 'New request', exact: true }).click();
    await this.dashboard.heading('Send a request').waitFor();
  }

  async send(request: {
    pool: string;
    identifier: string;
    method?: string;
    path?: string;
    headers?: string;
    body?: string;
  }): Promise<void> {
    await this.page.getByLabel('Pool', { exact: true }).selectOption(request.pool);
    await this.page.getByLabel('Identifier', { exact: true }).fill(request.identifier);
    await this.page.getByLabel('Method', { exact: true }).selectOption(request.method ?? 'GET');
    await this.page.getByLabel('Path', { exact: true }).fill(request.path ?? '/');
    if (request.headers !== undefined)
      await this.page.getByLabel('Headers', { exact: true }).fill(request.headers);
    if (request.body !== undefined) await this.page.getByLabel('Body', { exact: true }).fill(request.body);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
  }

  /** The composer's response status. */
  get status(): Locator {
    return this.page.getByTestId('response-status');
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Recorded requests' });
  }

  /** List rows whose text contains `text` (path, identifier, pool …). */
  rows(text: string | RegExp): Locator {
    return this.table.getByRole('row').filter({ hasText: text });
  }

  get count(): Locator {
    return this.page.getByTestId('requests-count');
  }

  async filter(
    label:
      'Pool' | 'Identifier' | 'Status' | 'Method' | 'Path contains' | 'Time' | 'Slower than (ms)' | 'Kind',
    value: string,
  ): Promise<void> {
    const control = this.page
      .getByRole('search', { name: 'Filter requests' })
      .getByLabel(label, { exact: true });
    if (['Pool', 'Status', 'Method', 'Time', 'Kind'].includes(label)) await control.selectOption(value);
    else await control.fill(value);
  }

  async clearFilters(): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear filters' }).click();
  }

  /** Opens the newest row matching `text`. */
  async openRow(text: string | RegExp): Promise<void> {
    await this.rows(text).first().getByRole('link').click();
    await this.page.getByTestId('exchange-status').waitFor();
  }

  get exchangeStatus(): Locator {
    return this.page.getByTestId('exchange-status');
  }

  async replayToNewIdentifier(): Promise<void> {
    await this.page.getByRole('button', { name: 'Replay to a new identifier' }).click();
    await this.replayResult.waitFor();
  }

  get replayResult(): Locator {
    return this.page.getByTestId('replay-result');
  }

  get comparison(): Locator {
    return this.page.getByRole('region', { name: /compared with/ });
  }

  /** Exports the shown list (or, on an exchange, that exchange) and returns the download. */
  async export(format: 'curl' | '.http' | 'HAR', scope: 'list' | 'exchange' = 'list'): Promise<Download> {
    const group = this.page.getByRole('group', {
      name: scope === 'list' ? 'Export the shown requests' : 'Export this request',
    });
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      group
        .getByRole('button', {
          name: new RegExp(`as ${format === 'curl' ? 'curl' : format === '.http' ? '\\.http' : 'HAR'}`),
        })
        .click(),
    ]);
    return download;
  }

  /** Picks `file` in the import dialog, sends it to new identifiers, and waits for the outcome. */
  async importHar(file: string): Promise<Locator> {
    const [chooser] = await Promise.all([
      this.page.waitForEvent('filechooser'),
      this.page.getByRole('button', { name: 'Import HAR…' }).click(),
    ]);
    await chooser.setFiles(file);
    const panel = this.page.getByRole('form', { name: /^Import / });
    await panel.getByLabel('A new identifier per original one').check();
    await panel.getByRole('button', { name: 'Import and send' }).click();
    const outcome = this.page.getByRole('region', { name: /^Imported / });
    await outcome.waitFor();
    return outcome;
  }
}
