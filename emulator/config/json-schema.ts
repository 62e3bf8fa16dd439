import { z } from 'zod';
import { configFileDocumentSchema } from './file-schema.js';

/**
 * The JSON schema of the config file, generated from the zod schemas so it cannot drift from what the
 * loader accepts. `resources/sample-pool/sessionite.schema.json` is this output; `json-schema.spec.ts`
 * fails when the file is stale, and `npx vitest run emulator/config/json-schema.spec.ts -u` rewrites it.
 * Draft 7 because that is what VS Code and yaml-language-server support best.
 */
export function buildConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileDocumentSchema, { target: 'draft-7', io: 'input' });
  return {
    ...schema,
    title: 'Sessionite configuration',
    description:
      'Session pools (Microsoft.App/sessionPools ARM bodies) and engine limits for the Sessionite emulator.',
  };
}
