import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArmExtension, type ArmExtension, type ArmExtensionOptions } from '../../emulator/arm/index.js';
import { Emulator, type AuthSettings } from '../../emulator/emulator.js';
import { ApiError } from '../../emulator/errors.js';
import type { PoolSpec } from '../../emulator/pool/spec.js';
import { PoolPersistence, type PoolPersistenceOptions } from '../../emulator/store/persistence.js';
import { FakeRuntime } from '../support/fake-runtime.js';

export const SUB = '00000000-0000-0000-0000-000000000000';
export const RG = 'sessionite';
export const TOKEN = 'test-token';
export const VERSION = '2025-07-01';

export interface ArmResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export interface ArmHarness {
  emulator: Emulator;
  arm: ArmExtension;
  runtime: FakeRuntime;
  dataDir: string;
  logs: string[];
  base: string;
  poolPath(name: string, resourceGroup?: string): string;
  request(method: string, path: string, options?: RequestOptions): Promise<ArmResponse>;
  /** Polls an absolute operation URL until it is no longer running. */
  settle(url: string): Promise<ArmResponse>;
  /** PUT and wait for the operation; fails the test when the create does not succeed. */
  createPool(name: string, body?: Record<string, unknown>): Promise<ArmResponse>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  /** null: no api-version parameter. */
  version?: string | null;
  /** null: no Authorization header. */
  token?: string | null;
}

/**
 * An emulator with the ARM extension and persistence on an in-memory FakeRuntime. Auth is a stand-in
 * for identity's verifier: the bearer must be `test-token`.
 */
export async function startArm(
  options: {
    dataDir?: string;
    pools?: PoolSpec[];
    runtime?: FakeRuntime;
    arm?: Partial<ArmExtensionOptions>;
    persistence?: Partial<PoolPersistenceOptions>;
    /** Identity's token checks (data plane, and ARM when `arm.authorize` is undefined). Default off. */
    auth?: AuthSettings;
  } = {},
): Promise<ArmHarness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sessionite-arm-')));
  const runtime = options.runtime ?? new FakeRuntime();
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
  };
  const persistence = new PoolPersistence({ dataDir, log, secrets: 'file', ...options.persistence });
  const arm = createArmExtension({
    authorize: async (req) =>
      req.headers.authorization === `Bearer ${TOKEN}`
        ? undefined
        : {
            error: new ApiError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing or invalid."),
            headers: { 'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"' },
          },
    persistence,
    log,
    ...options.arm,
  });
  const emulator = new Emulator({
    pools: options.pools ?? [],
    dataDir,
    port: 0,
    // Data-plane token checks are off unless asked for; ARM requests go through the stand-in `authorize`.
    auth: options.auth ?? { mode: 'off' },
    runtime,
    log,
    shutdownTimeoutMs: 5_000,
    extensions: [persistence, arm],
  });
  await emulator.start();
  await emulator.runtimeReady();
  const base = emulator.httpUrl;
  const harness: ArmHarness = {
    emulator,
    arm,
    runtime,
    dataDir,
    logs,
    base,
    poolPath: (name, resourceGroup = RG) =>
      `/subscriptions/${SUB}/resourceGroups/${resourceGroup}/providers/Microsoft.App/sessionPools/${name}`,
    request: (method, path, requestOptions = {}) => armRequest(base, method, path, requestOptions),
    async settle(url) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const response = await armRequest('', 'GET', url, { version: null });
        const running = response.status === 202 || response.body.status === 'InProgress';
        if (!running) return response;
        if (Date.now() > deadline) throw new Error(`operation still running: ${url}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async createPool(name, body = poolBody()) {
      const created = await harness.request('PUT', harness.poolPath(name), { body });
      if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
      const done = await harness.settle(created.headers.get('azure-asyncoperation') ?? '');
      if (done.body.status !== 'Succeeded') throw new Error(`create did not succeed: ${done.text}`);
      return created;
    },
    async stop(stopOptions = {}) {
      await emulator.stop();
      if (!stopOptions.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export async function armRequest(base: string, method: string, path: string, options: RequestOptions = {}): Promise<ArmResponse> {
  const url = new URL(base + path);
  const version = options.version === undefined ? VERSION : options.version;
  if (version !== null) url.searchParams.set('api-version', version);
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A valid current-shape body; `properties` entries override the defaults one level deep. */
export function poolBody(
  overrides: { properties?: Record<string, unknown>; [key: string]: unknown } = {},
): Record<string, unknown> {
  const { properties = {}, ...rest } = overrides;
  return {
    location: 'westeurope',
    ...rest,
    properties: {
      containerType: 'CustomContainer',
      poolManagementType: 'Dynamic',
      scaleConfiguration: { maxConcurrentSessions: 5, readySessionInstances: 1 },
      dynamicPoolConfiguration: { lifecycleConfiguration: { lifecycleType: 'Timed', cooldownPeriodInSeconds: 300 } },
      customContainerTemplate: {
        containers: [{ name: 'main', image: 'img:1', resources: { cpu: 0.5, memory: '1Gi' } }],
        ingress: { targetPort: 8080 },
      },
      sessionNetworkConfiguration: { status: 'EgressDisabled' },
      ...properties,
    },
  };
}

/** Every file under `dir` (recursively) with its text. */
export async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, text: await readFile(path, 'utf8') });
  }
  return out;
}

export function properties(body: Record<string, unknown>): Record<string, unknown> {
  return body.properties as Record<string, unknown>;
}
