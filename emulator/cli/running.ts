import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { resolve } from 'node:path';
import { defaultDataDir } from './data-dir.js';
import { isLiveElsewhere, readInstanceFile, type InstanceRecord } from '../host/instance-file.js';

/**
 * How CLI commands find the running emulator: `--endpoint` wins; otherwise the data folder's
 * emulator.json (written by `sessionite start`) names its URLs and CA.
 */
export async function findRunningEmulator(opts: { dataDir?: string; endpoint?: string; ca?: string }): Promise<{
  https: string;
  ca?: string;
  record?: InstanceRecord;
}> {
  if (opts.endpoint) return { https: opts.endpoint.replace(/\/$/, ''), ca: opts.ca };
  const dataDir = resolve(opts.dataDir ?? defaultDataDir());
  const record = await readInstanceFile(dataDir);
  if (!record || !(isLiveElsewhere(record) || record.pid === process.pid)) {
    throw new Error(`no running emulator uses the data folder ${dataDir}; start one with 'sessionite start' or pass --endpoint`);
  }
  if (!record.https) throw new Error(`the emulator using ${dataDir} does not serve HTTPS`);
  return { https: record.https, ca: opts.ca ?? record.ca, record };
}

/** POSTs a form to the emulator over HTTPS, trusting its own CA; resolves with status and JSON body. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  caPath: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const ca = caPath ? await readFile(caPath, 'utf8') : undefined;
  const payload = new URLSearchParams(form).toString();
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            done({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
          } catch {
            fail(new Error(`unexpected answer from ${url} (status ${res.statusCode})`));
          }
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}
