import { randomBytes } from 'node:crypto';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Emulator } from '../emulator.js';
import { compareRecords } from './compare.js';
import { readHar } from './har.js';
import type { Recorder } from './recorder.js';
import { planReplay, recordSource, type PlanContext, type ReplayPlan, type ReplaySource } from './replay-plan.js';
import { REPLAY_HEADER } from './tap.js';
import type { ImportRequest, ReplayBatchRequest, ReplayBatchResponse, ReplayOptions, ReplayResult } from './types.js';
import { withTimeout } from '../util/with-timeout.js';

const DATA_PLANE_AUDIENCE = 'https://dynamicsessions.io';
/** After the response has ended, how long the record may take to be written. */
const RECORD_WAIT_MS = 10_000;

/**
 * Replays go through the emulator's own listener, so they are authenticated, allocated, forwarded and
 * recorded exactly like a client's request. The Authorization header was never stored: a fresh
 * data-plane token from the emulator's identity takes its place unless the edits say otherwise.
 */
export class Replayer {
  constructor(
    private readonly emulator: Emulator,
    private readonly recorder: Recorder,
  ) {}

  private context(target: 'same' | 'new' | undefined): PlanContext {
    const fresh = new Map<string | undefined, string>();
    return {
      poolPrefix: (pool) => {
        if (!this.emulator.getPool(pool)) return undefined;
        return new URL(this.emulator.poolEndpoint(pool)).pathname;
      },
      // `new`: one fresh identifier per original identifier, so a replayed conversation stays in one session.
      identifierFor: (original) => {
        if (target !== 'new') return undefined;
        let id = fresh.get(original);
        if (!id) {
          id = `replay-${randomBytes(6).toString('hex')}`;
          fresh.set(original, id);
        }
        return id;
      },
    };
  }

  async replayRecord(id: string, options: ReplayOptions, ctx = this.context(options.target)): Promise<ReplayResult> {
    const original = await this.recorder.store.get(id);
    if (!original) return { original: id, error: `no recorded exchange ${id}`, warnings: [] };
    const source = recordSource(original);
    if ('error' in source) return { original: id, error: source.error, warnings: [] };
    const result = await this.replaySource(source, options, ctx, { replayOf: id });
    if (result.replay) result.comparison = compareRecords(original, result.replay);
    return { original: id, ...result };
  }

  async replaySequence(request: ReplayBatchRequest): Promise<ReplayBatchResponse> {
    const ctx = this.context(request.target);
    const results: ReplayResult[] = [];
    for (const id of request.ids) {
      const result = await this.replayRecord(id, { identifier: request.identifier, target: request.target }, ctx);
      results.push(result);
      if (request.stopOnError && (result.error || (result.replay?.status ?? 0) >= 400)) break;
    }
    return { results };
  }

  async importHar(request: ImportRequest): Promise<ReplayBatchResponse | { error: string }> {
    const har = readHar(request.har);
    if ('error' in har) return har;
    const ctx = this.context(request.target);
    const results: ReplayResult[] = [];
    for (const entry of har.entries) {
      if ('error' in entry) {
        results.push({ error: entry.error, warnings: [] });
        if (request.stopOnError) break;
        continue;
      }
      // A HAR exported by another data folder may name an id that is a different exchange here: link only a match.
      const candidate = entry.recordedId ? await this.recorder.store.get(entry.recordedId) : undefined;
      const source = entry.source;
      const original =
        candidate && candidate.method === source.method && candidate.target === source.target && candidate.pool === source.pool ? candidate : undefined;
      const options = { identifier: request.identifier, target: request.target, pool: request.pool };
      const result = await this.replaySource(source, options, ctx, { imported: true, replayOf: original?.id });
      if (original && result.replay) result.comparison = compareRecords(original, result.replay);
      results.push({ ...(original ? { original: original.id } : {}), ...result });
      if (request.stopOnError && (result.error || (result.replay?.status ?? 0) >= 400)) break;
    }
    return { results };
  }

  private async replaySource(
    source: ReplaySource,
    options: ReplayOptions,
    ctx: PlanContext,
    link: { replayOf?: string; imported?: boolean },
  ): Promise<ReplayResult> {
    const plan = planReplay(source, options, ctx);
    if ('error' in plan) return { error: plan.error, warnings: [] };
    const mentionsAuth = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
    if (!mentionsAuth && this.emulator.identity.mode !== 'off') {
      const token = await this.emulator.identity.issueToken({ resource: DATA_PLANE_AUDIENCE, origin: this.emulator.httpsUrl });
      plan.headers.authorization = `Bearer ${token.accessToken}`;
    }
    const expected = this.recorder.expectReplay(link);
    try {
      await this.send(plan, expected.nonce, source);
      const replay = await withTimeout(expected.record, RECORD_WAIT_MS, 'the replay was sent but its record did not arrive');
      return { replay, warnings: plan.warnings };
    } catch (error) {
      expected.cancel();
      return { error: error instanceof Error ? error.message : String(error), warnings: plan.warnings };
    }
  }

  /** Sends the plan and drains the answer (the recorder keeps what it needs). */
  private send(plan: ReplayPlan, nonce: string, source: ReplaySource): Promise<void> {
    const tls = this.emulator.identity.tls;
    // Over HTTPS when the original came that way (so the session sees the same X-Forwarded-Proto), if our CA can verify it.
    const overHttps = source.scheme === 'https' && this.emulator.httpsUrl !== undefined && tls.caPem !== undefined;
    const base = new URL(overHttps && this.emulator.httpsUrl ? this.emulator.httpsUrl : this.emulator.httpUrl);
    const headers: OutgoingHttpHeaders = { ...plan.headers, [REPLAY_HEADER]: nonce };
    const limits = this.emulator.limits;
    const timeoutMs = limits.allocationTimeoutMs + limits.sessionStartTimeoutMs + limits.responseHeadersTimeoutMs + 5000;
    return new Promise<void>((resolve, reject) => {
      const options = { host: base.hostname.replace(/^\[|\]$/g, ''), port: base.port, method: plan.method, path: plan.url, headers, agent: false as const };
      const req = overHttps ? httpsRequest({ ...options, ca: tls.caPem }) : httpRequest(options);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve());
        res.on('error', reject);
        res.on('aborted', () => resolve());
      });
      req.on('error', reject);
      req.end(plan.body);
    });
  }
}

