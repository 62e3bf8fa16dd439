import { describe, expect, it } from 'vitest';
import { inCidr } from './cidr.js';

describe('inCidr', () => {
  it('matches addresses inside the network', () => {
    expect(inCidr('172.18.0.2', '172.18.0.0/16')).toBe(true);
    expect(inCidr('::ffff:172.18.255.254', '172.18.0.0/16')).toBe(true);
  });
  it('rejects addresses outside or malformed', () => {
    expect(inCidr('172.19.0.2', '172.18.0.0/16')).toBe(false);
    expect(inCidr('127.0.0.1', '172.18.0.0/16')).toBe(false);
    expect(inCidr('::1', '172.18.0.0/16')).toBe(false);
    expect(inCidr('300.1.1.1', '0.0.0.0/0')).toBe(false);
  });
  it('handles /0 and /32', () => {
    expect(inCidr('10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(inCidr('10.1.2.3', '10.1.2.3/32')).toBe(true);
    expect(inCidr('10.1.2.4', '10.1.2.3/32')).toBe(false);
  });
});
