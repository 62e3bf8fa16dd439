import { z } from 'zod';
import type { EngineLimits } from '../pool/spec.js';
import { sessionPoolResourceSchema } from './arm-schema.js';

/**
 * The config file's own envelope around ARM pool bodies. Unlike the ARM bodies (where ARM ignores
 * unknown properties), the envelope is strict: a misspelt `pool:` or `limit:` is an error rather than a
 * silently empty emulator.
 */

export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_RESOURCE_GROUP = 'sessionite';
export const DEFAULT_LOCATION = 'local';

// Written without flags: the pattern also goes into the JSON schema, where regex flags do not exist.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const subscriptionIdSchema = z
  .string()
  .regex(GUID, { error: 'must be a GUID such as 00000000-0000-0000-0000-000000000000' });

/**
 * ARM's resource group rule: 1–90 letters, digits, '_', '-', '.', '(', ')', not ending in '.'. ARM also
 * allows non-ASCII letters; Sessionite keeps to ASCII so the pattern works in every JSON-schema engine.
 */
export const resourceGroupSchema = z.string().regex(/^[-\w.()]{0,89}[-\w()]$/, {
  error: "must be 1–90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
});

export const locationSchema = z.string().min(1);

const positiveInt = () => z.number().int().min(1);

/** Every engine limit, each optional; `defaultEngineLimits` fills the rest. */
export const engineLimitsSchema = z
  .strictObject({
    maxQueuedAllocations: z.number().int().min(0),
    allocationTimeoutMs: positiveInt(),
    sessionStartTimeoutMs: positiveInt(),
    connectTimeoutMs: positiveInt(),
    responseHeadersTimeoutMs: positiveInt(),
    maxParallelStarts: positiveInt(),
    capacityErrorStatus: z.literal([404, 429]),
    pidsLimit: positiveInt(),
  } satisfies Record<keyof EngineLimits, z.ZodType>)
  .partial();

/**
 * Identity settings: the data plane's token checks, optional app registrations (then only these
 * client ids get tokens) and who holds the Session Executor role. Secrets here are for local
 * development only, like every value in this file.
 */
export const authSchema = z.strictObject({
  mode: z.enum(['strict', 'basic', 'off']).optional(),
  appRegistrations: z
    .array(
      z.strictObject({
        clientId: z.string().min(1),
        secret: z.string().min(1).optional(),
        certificatePem: z.string().min(1).optional(),
        objectId: z.string().min(1).optional(),
        roles: z.array(z.string().min(1)).optional(),
      }),
    )
    .optional(),
  roleAssignments: z.strictObject({ sessionExecutors: z.array(z.string().min(1)) }).optional(),
});

export type AuthFileSettings = z.output<typeof authSchema>;

const envelopeShape = {
  /** Lets editors find the JSON schema (`sessionite.schema.json`). */
  $schema: z.string().optional(),
  subscriptionId: subscriptionIdSchema.optional(),
  resourceGroup: resourceGroupSchema.optional(),
  location: locationSchema.optional(),
  limits: engineLimitsSchema.optional(),
  auth: authSchema.optional(),
};

/** What the loader parses first; pools are checked one by one afterwards, so each reports separately. */
export const configFileSchema = z.strictObject({ ...envelopeShape, pools: z.array(z.unknown()).optional() });

/**
 * Keys a pool entry may carry besides the ARM body: where the pool lives. ARM takes these from the URL;
 * the file has no URL. `id` (of a pasted GET response) works too.
 */
export const poolPlacementSchema = z.object({
  name: z.string(),
  subscriptionId: subscriptionIdSchema.optional(),
  resourceGroup: resourceGroupSchema.optional(),
});

/** The whole file with typed pools, for the JSON schema only (the loader uses the two steps above). */
export const configFileDocumentSchema = z.strictObject({
  ...envelopeShape,
  pools: z.array(sessionPoolResourceSchema.extend(poolPlacementSchema.shape)).optional(),
});

export type ConfigFileEnvelope = z.output<typeof configFileSchema>;
