import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { DashboardPage } from '../../ui/pages/dashboard-page.js';

/**
 * The packaged-style desktop app driven through Playwright's Electron support: launched from the
 * electron-vite build (`out/main/index.js`) with its own user-data folder, so it never touches the
 * developer's real app and its single-instance lock.
 */
export class DesktopApp {
  private constructor(
    readonly app: ElectronApplication,
    readonly window: Page,
  ) {}

  static async launch(options: {
    executablePath: string;
    main: string;
    args: string[];
  }): Promise<DesktopApp> {
    const app = await _electron.launch({
      executablePath: options.executablePath,
      args: [options.main, ...options.args],
      timeout: 90_000,
    });
    return new DesktopApp(app, await app.firstWindow());
  }

  /** The dashboard the window shows (it loaded it itself: no navigation here). */
  dashboard(): DashboardPage {
    return new DashboardPage(this.window, this.window.url());
  }

  /** What the preload exposed to the page: the names of `window.sessionite`'s members. */
  exposedApi(): Promise<string[]> {
    return this.window.evaluate(() =>
      Object.keys((globalThis as { sessionite?: object }).sessionite ?? {}).sort(),
    );
  }

  /** Quits like the user does (app.quit: the emulator stops first); resolves once the process is gone. */
  async quit(): Promise<void> {
    await this.app.close();
  }
}
