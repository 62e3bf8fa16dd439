import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { buildConfigJsonSchema } from './json-schema.js';

const SCHEMA_FILE = resolve(import.meta.dirname, '../../resources/sample-pool/sessionite.schema.json');

describe('sessionite.schema.json', () => {
  // Generated, never edited by hand: `npx vitest run emulator/config/json-schema.spec.ts -u` rewrites it.
  it('matches the zod schemas', async () => {
    const options = (await resolveConfig(SCHEMA_FILE)) ?? {};
    const text = await format(JSON.stringify(buildConfigJsonSchema()), { ...options, parser: 'json' });
    await expect(text).toMatchFileSnapshot(SCHEMA_FILE);
  });

  it('describes pools as ARM bodies with a required name', () => {
    const schema = buildConfigJsonSchema() as {
      properties: {
        pools: { type: string; items: { required: string[]; properties: Record<string, unknown> } };
      };
    };
    expect(schema.properties.pools.type).toBe('array');
    expect(schema.properties.pools.items.required).toEqual(expect.arrayContaining(['name', 'properties']));
    expect(Object.keys(schema.properties.pools.items.properties)).toEqual(
      expect.arrayContaining(['location', 'identity', 'subscriptionId', 'resourceGroup']),
    );
  });
});
