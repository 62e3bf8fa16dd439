import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from './load-file.js';

describe('the auth section of the config file', () => {
  it('is optional and empty by default', () => {
    expect(parseConfigText('pools: []\n', 'c.yaml').auth).toEqual({});
  });

  it('carries the mode, app registrations and role assignments', () => {
    const config = parseConfigText(
      `auth:
  mode: strict
  appRegistrations:
    - { clientId: my-app, secret: dev-only, roles: [SessionExecutor] }
  roleAssignments: { sessionExecutors: [my-app] }
pools: []
`,
      'c.yaml',
    );
    expect(config.auth).toEqual({
      mode: 'strict',
      appRegistrations: [{ clientId: 'my-app', secret: 'dev-only', roles: ['SessionExecutor'] }],
      roleAssignments: { sessionExecutors: ['my-app'] },
    });
  });

  it('rejects an unknown mode and misspelt keys, naming the field', () => {
    expect(() => parseConfigText('auth: { mode: lenient }\npools: []\n', 'c.yaml')).toThrow(ConfigError);
    try {
      parseConfigText('auth: { modes: strict }\npools: []\n', 'c.yaml');
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).toContain('auth');
    }
  });
});
