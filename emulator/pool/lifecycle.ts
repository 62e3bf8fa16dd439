import type { Clock } from '../clock.js';
import type { StopReason } from '../events.js';
import { runProbe } from '../runtime/wait-ready.js';
import type { Session } from './session.js';
import type { Lifecycle, ProbeSpec } from './spec.js';

/**
 * Lifecycle timers of allocated sessions, on the injectable clock:
 *  - Timed: the session ends `cooldownMs` after its last request finished; a request in flight
 *    holds it off, and every request restarts the countdown (lazily: see armCooldown).
 *  - OnContainerExit: the session ends when its container exits or `maxAliveMs` after allocation;
 *    if that deadline passes during a request, the session ends when the request does.
 * Liveness probes run on the same clock and end a session after `failureThreshold` failures.
 */
export class SessionLifecycle {
  constructor(
    private readonly clock: Clock,
    private readonly end: (session: Session, reason: StopReason) => void,
  ) {}

  onAllocated(session: Session, lifecycle: Lifecycle): void {
    if (lifecycle.type === 'Timed') {
      this.armCooldown(session, lifecycle.cooldownMs, lifecycle.cooldownMs);
    } else {
      session.lifecycleTimer = this.clock.setTimer(lifecycle.maxAliveMs, () => {
        if (session.inflight > 0) session.expiredWhileBusy = true;
        else this.end(session, 'maxAlive');
      });
    }
  }

  onRequestEnd(session: Session, lifecycle: Lifecycle): void {
    if (session.inflight > 0) return;
    if (session.expiredWhileBusy) {
      this.end(session, 'maxAlive');
      return;
    }
    // The cooldown timer fired while requests were in flight and was dropped: the countdown starts now.
    if (lifecycle.type === 'Timed' && !session.lifecycleTimer)
      this.armCooldown(session, lifecycle.cooldownMs, lifecycle.cooldownMs);
  }

  /** When the session will end if nothing else happens (epoch ms), for `getSession`. */
  expiresAt(session: Session, lifecycle: Lifecycle): number | undefined {
    if (session.state !== 'allocated') return undefined;
    if (lifecycle.type === 'Timed') {
      const from = session.inflight > 0 ? this.clock.now() : session.lastAccessedAt;
      return from + lifecycle.cooldownMs;
    }
    return (session.allocatedAt ?? session.createdAt) + lifecycle.maxAliveMs;
  }

  /**
   * Nothing happens when a request starts: the maxAlive deadline keeps running, and the cooldown timer
   * is not cancelled and re-armed per request (a timer pair per forwarded request showed in the
   * forwarding profile).
   *
   * Invariant: while a Timed session is allocated and idle, a timer is armed that fires no later than
   * `lastAccessedAt + cooldownMs`. Requests only move `lastAccessedAt` forward, so a firing timer
   * either finds the session idle long enough (it ends), idle but touched since (re-armed for the
   * rest), or busy (dropped; the last request to finish re-arms it).
   */
  private armCooldown(session: Session, cooldownMs: number, delayMs: number): void {
    session.lifecycleTimer?.cancel();
    session.lifecycleTimer = this.clock.setTimer(delayMs, () => {
      session.lifecycleTimer = undefined;
      if (session.inflight > 0) return;
      const remaining = session.lastAccessedAt + cooldownMs - this.clock.now();
      if (remaining > 0) this.armCooldown(session, cooldownMs, remaining);
      else this.end(session, 'cooldown');
    });
  }

  /** `targetPort` maps to the session's dialled port (they differ in published-port mode). */
  startProbes(session: Session, probes: ProbeSpec[], targetPort: number): void {
    const liveness = probes.find((p) => p.type === 'Liveness');
    if (!liveness) return;
    const port = liveness.check.port === targetPort ? session.port : liveness.check.port;
    const check = { ...liveness.check, port };
    const tick = (): void => {
      session.probeTimer = undefined;
      if (session.state !== 'ready' && session.state !== 'allocated') return;
      void runProbe(check, session.host, liveness.timeoutMs).then((ok) => {
        if (session.state !== 'ready' && session.state !== 'allocated') return;
        session.probeFailures = ok ? 0 : session.probeFailures + 1;
        if (session.probeFailures >= liveness.failureThreshold) this.end(session, 'unhealthy');
        else session.probeTimer = this.clock.setTimer(liveness.periodMs, tick);
      });
    };
    session.probeTimer = this.clock.setTimer(liveness.initialDelayMs + liveness.periodMs, tick);
  }
}
