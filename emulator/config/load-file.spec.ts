import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEngineLimits } from '../pool/spec.js';
import { ConfigError, loadConfigFile, parseConfigText } from './load-file.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sessionite-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}

/** The problems of a config that must fail, or a failed expectation when it loads. */
function problemsOf(text: string, file = 'test.yaml'): readonly string[] {
  try {
    parseConfigText(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  expect.fail('the configuration loaded, but problems were expected');
}

const YAML_POOL = `
pools:
  - name: alpha
    properties:
      secrets:
        - { name: token, value: t0ken-value }
      customContainerTemplate:
        containers:
          - image: repo/alpha:1
            env:
              - { name: TOKEN, secretRef: token }
        ingress: { targetPort: 8080 }
`;

describe('loadConfigFile', () => {
  it('loads YAML with the documented defaults', async () => {
    const config = await loadConfigFile(await fileWith('a.yaml', YAML_POOL));
    expect(config.defaults).toEqual({
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'sessionite',
      location: 'local',
    });
    expect(config.limits).toEqual(defaultEngineLimits);
    expect(config.pools).toHaveLength(1);
    expect(config.pools[0]).toMatchObject({
      name: 'alpha',
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'sessionite',
      location: 'local',
      container: { image: 'repo/alpha:1', env: { TOKEN: 't0ken-value' } },
      secretNames: ['token'],
    });
    expect(config.definitions[0]?.name).toBe('alpha');
  });

  it('loads JSON, including tab-indented JSON, and file-level defaults and limits', async () => {
    const json = JSON.stringify(
      {
        subscriptionId: '11111111-2222-3333-4444-555555555555',
        resourceGroup: 'my-rg',
        location: 'westeurope',
        limits: { maxParallelStarts: 2, capacityErrorStatus: 404 },
        pools: [
          {
            name: 'beta',
            properties: {
              customContainerTemplate: { containers: [{ image: 'img' }], ingress: { targetPort: 80 } },
            },
          },
        ],
      },
      null,
      '\t',
    );
    const config = await loadConfigFile(await fileWith('b.json', json));
    expect(config.limits).toEqual({ ...defaultEngineLimits, maxParallelStarts: 2, capacityErrorStatus: 404 });
    expect(config.pools[0]).toMatchObject({
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'my-rg',
      location: 'westeurope',
    });
  });

  it('loads the sample file', async () => {
    const config = await loadConfigFile(
      resolve(import.meta.dirname, '../../resources/sample-pool/sessionite.yaml'),
    );
    expect(config.pools).toHaveLength(1);
    expect(config.pools[0]).toMatchObject({
      name: 'sample',
      container: { image: 'sessionite/sample-session:latest' },
      targetPort: 8080,
      readySessionInstances: 2,
      maxConcurrentSessions: 10,
      lifecycle: { type: 'Timed', cooldownMs: 300_000 },
      egress: false,
      secretNames: ['sample-api-key'],
    });
    expect(Object.keys(config.pools[0]?.container.env ?? {})).toEqual(['GREETING', 'SAMPLE_API_KEY']);
  });

  it('reports a missing file as a ConfigError naming it', async () => {
    const path = join(dir, 'missing.yaml');
    await expect(loadConfigFile(path)).rejects.toThrow(ConfigError);
    await expect(loadConfigFile(path)).rejects.toThrow(`${path}: cannot be read`);
  });
});

describe('syntax errors', () => {
  it('reports YAML errors with line and column', () => {
    expect(problemsOf('pools:\n  - name: a\n    properties: [1, 2\n  - name: b\n')).toEqual([
      expect.stringMatching(/^test\.yaml:4:\d+: /),
    ]);
  });

  it('reports JSON errors with line and column', () => {
    const problems = problemsOf('{\n  "pools": [],\n  "location": "x",,\n}\n', 'c.json');
    expect(problems[0]).toMatch(/^c\.json:3:\d+: Unexpected ,/);
  });

  it('does not echo the offending text, which may be a secret', () => {
    const problems = problemsOf('location: a\n]hunter2-secret\n');
    expect(problems).toEqual([
      'test.yaml:2:1: Unexpected flow-seq-end token in YAML stream',
      'test.yaml:2:2: Unexpected scalar token in YAML stream',
    ]);
  });

  it('reports duplicate keys', () => {
    expect(problemsOf('location: a\nlocation: b\n')).toEqual([
      expect.stringMatching(/^test\.yaml:2:1: Map keys must be unique/),
    ]);
  });

  it('reports a second YAML document', () => {
    expect(problemsOf('location: a\n---\nlocation: b\n')).toEqual([
      "test.yaml:2:1: holds more than one YAML document ('---'); put everything into one",
    ]);
  });

  it('reports an empty file', () => {
    expect(problemsOf('# nothing\n')).toEqual([
      "test.yaml: is empty; expected an object with a 'pools' list",
    ]);
  });
});

describe('file-level problems', () => {
  it('names the file and field, and rejects unknown top-level keys', () => {
    const problems = problemsOf(
      'subscriptionId: nope\nresourceGroup: "bad/rg"\npool: []\nlimits: { maxParallelStarts: 0, capacityErrorStatus: 500, typo: 1 }\n',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'test.yaml: subscriptionId: must be a GUID such as 00000000-0000-0000-0000-000000000000',
        expect.stringMatching(/^test\.yaml: resourceGroup: must be 1–90/),
        'test.yaml: pool: is not a known field',
        'test.yaml: limits.maxParallelStarts: must be at least 1',
        'test.yaml: limits.capacityErrorStatus: must be one of 404, 429',
        'test.yaml: limits.typo: is not a known field',
      ]),
    );
  });

  it('requires a mapping at the top level and a list of pools', () => {
    expect(problemsOf('- a\n')).toEqual(['test.yaml: must be an object']);
    expect(problemsOf('pools: {}\n')).toEqual(['test.yaml: pools: must be a list']);
  });

  it('accepts a file without pools', () => {
    expect(parseConfigText('location: here\n', 'x.yaml').pools).toEqual([]);
  });
});

describe('pool problems', () => {
  it('reports every problem of every pool, one per line, as pool <name>: <path>: <rule>', () => {
    const text = `
pools:
  - name: first
    properties:
      scaleConfiguration: { maxConcurrentSessions: 5, readySessionInstances: 5 }
      customContainerTemplate:
        containers: [{ image: img, env: [{ name: K, secretRef: missing }] }]
  - name: second
    properties:
      containerType: PythonLTS
  - properties: {}
  - 42
`;
    const problems = problemsOf(text);
    expect(problems).toEqual([
      "pool 'first': properties.scaleConfiguration.readySessionInstances: must be at least 1 and less than maxConcurrentSessions (5)",
      "pool 'first': properties.customContainerTemplate.containers[0].env[0].secretRef: names secret 'missing', which is not defined in properties.secrets",
      "pool 'first': properties.customContainerTemplate.ingress.targetPort: is required for CustomContainer pools",
      "pool 'second': properties.containerType: 'PythonLTS' is not supported yet: built-in code interpreter pools arrive later; use 'CustomContainer'",
      'pool #3: name: is required: every pool needs a name',
      'pool #3: properties.customContainerTemplate: is required for CustomContainer pools',
      'pool #4: must be an object (a Microsoft.App/sessionPools resource body)',
    ]);
  });

  it('puts every problem on its own line of the error message', () => {
    expect(() => parseConfigText('pools: [{ name: A, properties: {} }]\n', 'f.yaml')).toThrow(
      /^invalid configuration file f\.yaml:\n {2}pool 'A': name: .*\n {2}pool 'A': properties\.customContainerTemplate: /,
    );
  });

  it('rejects duplicate pool names', () => {
    const pool =
      '{ properties: { customContainerTemplate: { containers: [{ image: i }], ingress: { targetPort: 1 } } } }';
    const text = `pools:\n  - { name: same, ${pool.slice(2)}\n  - { name: other, ${pool.slice(2)}\n  - { name: same, ${pool.slice(2)}\n`;
    expect(problemsOf(text)).toEqual([
      "pool 'same': name: is used by pools #1 and #3; pool names must be unique",
    ]);
  });

  it('reports type errors of a pool', () => {
    const problems = problemsOf(
      'pools:\n  - name: typed\n    properties: { scaleConfiguration: { maxConcurrentSessions: ten } }\n',
    );
    expect(problems).toContain(
      "pool 'typed': properties.scaleConfiguration.maxConcurrentSessions: must be a number",
    );
  });

  it('never prints a secret value', () => {
    const text = `pools:\n  - name: leaky\n    properties:\n      secrets: [{ name: Bad_Name, value: hunter2-secret }]\n`;
    expect(problemsOf(text).join('\n')).not.toContain('hunter2-secret');
  });
});

describe('pool placement', () => {
  const body =
    'properties: { customContainerTemplate: { containers: [{ image: i }], ingress: { targetPort: 1 } } }';

  it('takes subscriptionId and resourceGroup from the entry, then from its id, then from the file', () => {
    const text = `
resourceGroup: file-rg
pools:
  - { name: own, subscriptionId: 11111111-2222-3333-4444-555555555555, resourceGroup: own-rg, ${body} }
  - { name: pasted, id: /subscriptions/22222222-2222-3333-4444-555555555555/resourceGroups/id-rg/providers/Microsoft.App/sessionPools/pasted, ${body} }
  - { name: plain, ${body} }
`;
    const placements = parseConfigText(text, 'p.yaml').pools.map(({ subscriptionId, resourceGroup }) => [
      subscriptionId,
      resourceGroup,
    ]);
    expect(placements).toEqual([
      ['11111111-2222-3333-4444-555555555555', 'own-rg'],
      ['22222222-2222-3333-4444-555555555555', 'id-rg'],
      ['00000000-0000-0000-0000-000000000000', 'file-rg'],
    ]);
  });

  it('checks placement keys and ids', () => {
    const text = `
pools:
  - { name: one, subscriptionId: nope, ${body} }
  - { name: two, id: /subscriptions/x/resourceGroups/rg/providers/Microsoft.App/sessionPools/other, ${body} }
  - { name: three, id: not-an-id, ${body} }
`;
    expect(problemsOf(text)).toEqual([
      "pool 'one': subscriptionId: must be a GUID such as 00000000-0000-0000-0000-000000000000",
      "pool 'two': id: must end in the pool's name 'two'",
      "pool 'two': id: must be a GUID such as 00000000-0000-0000-0000-000000000000",
      "pool 'three': id: must be a Microsoft.App/sessionPools resource id",
    ]);
  });
});
