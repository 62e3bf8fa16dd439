/**
 * Development only (`npm run dev`): the renderer comes from Vite's dev server, which proxies the admin
 * API (`/_sessionite/api`) to the emulator the main process starts. The proxy is configured before
 * main runs, so both read the emulator's port from here: `$SESSIONITE_DEV_PORT`, else this default.
 */
export const DEV_EMULATOR_PORT = 47080;

export function devEmulatorPort(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.SESSIONITE_DEV_PORT);
  return Number.isInteger(value) && value > 0 && value < 65536 ? value : DEV_EMULATOR_PORT;
}
