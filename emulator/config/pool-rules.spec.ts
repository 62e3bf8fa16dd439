import { describe, expect, it } from 'vitest';
import { effectiveLifecycle, effectiveScale, formatMemory, parseMemory } from './pool-rules.js';

const GI = 2 ** 30;
const MI = 2 ** 20;

describe('parseMemory', () => {
  it.each([
    ['0.5Gi', 0.5 * GI],
    ['4Gi', 4 * GI],
    ['1G', GI],
    ['1gb', GI],
    ['512Mi', 512 * MI],
    ['250Mb', 250 * MI],
    ['.5Gi', 0.5 * GI],
    [' 1 Gi ', GI],
    ['1048576Ki', GI],
  ])('parses %s', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it.each(['', '1', 'Gi', '1 GiB', '1Ti', '-1Gi', '1e3Mi', 'one Gi'])('rejects %s', (text) => {
    expect(parseMemory(text)).toBeUndefined();
  });
});

describe('formatMemory', () => {
  it.each([
    [0.5 * GI, '0.5Gi'],
    [GI, '1Gi'],
    [0.75 * GI, '0.75Gi'],
    [100 * MI, '100Mi'],
    [1536, '2Ki'],
  ])('formats %i as %s', (bytes, text) => {
    expect(formatMemory(bytes)).toBe(text);
  });
});

describe('effectiveScale', () => {
  it('uses the az defaults 10 / 5', () => {
    expect(effectiveScale({})).toEqual({ maxConcurrentSessions: 10, readySessionInstances: 5 });
  });

  it('lowers the default ready count below a small maximum', () => {
    expect(effectiveScale({ scaleConfiguration: { maxConcurrentSessions: 3 } })).toEqual({
      maxConcurrentSessions: 3,
      readySessionInstances: 2,
    });
  });

  it('keeps explicit values, even invalid ones (validation reports them)', () => {
    expect(
      effectiveScale({ scaleConfiguration: { maxConcurrentSessions: 3, readySessionInstances: 7 } }),
    ).toEqual({
      maxConcurrentSessions: 3,
      readySessionInstances: 7,
    });
  });
});

describe('effectiveLifecycle', () => {
  it('defaults to Timed with a 300 s cooldown', () => {
    expect(effectiveLifecycle(undefined)).toMatchObject({ type: 'Timed', seconds: 300, shape: 'current' });
  });

  it('infers the type from the period that is set, as the az CLI does', () => {
    expect(effectiveLifecycle({ lifecycleConfiguration: { maxAlivePeriodInSeconds: 900 } })).toMatchObject({
      type: 'OnContainerExit',
      seconds: 900,
    });
    expect(effectiveLifecycle({ lifecycleConfiguration: { cooldownPeriodInSeconds: 900 } })).toMatchObject({
      type: 'Timed',
      seconds: 900,
    });
  });

  it('defaults OnContainerExit to a 3600 s maximum', () => {
    expect(
      effectiveLifecycle({ lifecycleConfiguration: { lifecycleType: 'OnContainerExit' } }),
    ).toMatchObject({
      seconds: 3600,
      secondsPath: 'properties.dynamicPoolConfiguration.lifecycleConfiguration.maxAlivePeriodInSeconds',
    });
  });

  it('reads the legacy shape as Timed', () => {
    expect(effectiveLifecycle({ executionType: 'Timed', cooldownPeriodInSeconds: 600 })).toEqual({
      type: 'Timed',
      seconds: 600,
      secondsPath: 'properties.dynamicPoolConfiguration.cooldownPeriodInSeconds',
      shape: 'legacy',
    });
  });
});
