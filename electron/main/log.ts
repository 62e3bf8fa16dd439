import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The desktop host's log: every line to stderr (as the CLI does) and appended to a file, since a
 * packaged app's stderr goes nowhere. Writes are queued; a failing disk never breaks the app.
 */
export function createLog(file: string | undefined): (line: string) => void {
  let queue: Promise<void> = file
    ? mkdir(dirname(file), { recursive: true }).then(() => undefined)
    : Promise.resolve();
  return (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}\n`;
    process.stderr.write(`sessionite: ${line}\n`);
    if (!file) return;
    queue = queue.then(() => appendFile(file, stamped, { mode: 0o600 })).catch(() => undefined);
  };
}
