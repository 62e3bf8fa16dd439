import { z } from 'zod';
import { validateIdentifier } from '../pool/identifier.js';
import type { ImportRequest, ReplayBatchRequest, ReplayOptions } from './types.js';

/** Request bodies of the requests API, checked at the edge; messages name the field. */
const identifier = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : validateIdentifier(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
  });

const target = z.enum(['same', 'new']).optional();

const replayOptions = z
  .object({
    target,
    identifier,
    pool: z.string().min(1).optional(),
    method: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not an HTTP method').optional(),
    path: z.string().startsWith('/', "must start with '/'").optional(),
    query: z.string().optional(),
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a header name'), z.string().nullable()).optional(),
    body: z.string().optional(),
    bodyEncoding: z.enum(['utf8', 'base64']).optional(),
  })
  .strict();

const batch = z
  .object({ ids: z.array(z.string().min(1)).min(1).max(1000), target, identifier, stopOnError: z.boolean().optional() })
  .strict();

const importRequest = z
  .object({ har: z.unknown(), target, identifier, pool: z.string().min(1).optional(), stopOnError: z.boolean().optional() })
  .strict();

type Checked<T> = { value: T } | { error: string };

function check<T>(schema: z.ZodType<T>, body: unknown): Checked<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `'${issue.path.join('.')}': ` : '';
  return { error: `${where}${issue?.message ?? 'invalid request'}` };
}

export const checkReplayOptions = (body: unknown): Checked<ReplayOptions> => check(replayOptions, body);
export const checkBatch = (body: unknown): Checked<ReplayBatchRequest> => check(batch, body);
export const checkImport = (body: unknown): Checked<ImportRequest> => check(importRequest, body);
