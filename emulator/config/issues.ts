import type { z } from 'zod';
import { withinBounds, type Bounds } from './pool-rules.js';

/**
 * Codes a validation issue carries. `InvalidRequestContent`, `InvalidResourceName` and
 * `InvalidParameterValue` are ARM's generic codes; `SessionPoolInvalidReadySessionInstances` is the code
 * users report from the real service. The others are Sessionite's own, for cases the real service
 * reports with codes nobody has documented.
 */
export type ValidationCode =
  | 'InvalidRequestContent'
  | 'InvalidResourceName'
  | 'InvalidParameterValue'
  | 'MissingRequiredParameter'
  | 'SessionPoolInvalidReadySessionInstances'
  | 'SessionPoolFeatureNotSupported'
  | 'SecretRefNotFound'
  | 'DuplicateName';

export interface ValidationIssue {
  /** ARM path of the offending value, e.g. `properties.scaleConfiguration.readySessionInstances`. */
  path: string;
  /** The rule that was broken, in words a user can act on. Never contains a secret value. */
  rule: string;
  code: ValidationCode;
}

/** Collects issues; `validate*.ts` rules add to it. */
export class IssueList {
  readonly items: ValidationIssue[] = [];

  add(path: string, code: ValidationCode, rule: string): void {
    this.items.push({ path, rule, code });
  }

  /** Adds an issue when `value` is set and outside `bounds`. */
  range(path: string, value: number | null | undefined, bounds: Bounds, what = ''): void {
    if (value == null || withinBounds(value, bounds)) return;
    const suffix = what === '' ? '' : ` ${what}`;
    const rule =
      bounds.min === bounds.max
        ? `must be ${bounds.min}${suffix}`
        : `must be between ${bounds.min} and ${bounds.max}${suffix}`;
    this.add(path, 'InvalidParameterValue', rule);
  }
}

/** `['properties', 'secrets', 0, 'name']` → `properties.secrets[0].name`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}

export function joinPath(base: string, ...segments: readonly PropertyKey[]): string {
  const tail = formatPath(segments);
  if (base === '') return tail;
  if (tail === '' || tail.startsWith('[')) return `${base}${tail}`;
  return `${base}.${tail}`;
}

/**
 * Turns zod's issues into ours. Messages are rewritten from the issue's structure (never from the input
 * value, which may be a secret).
 */
export function issuesFromZod(error: z.ZodError, base = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          path: joinPath(base, ...issue.path, key),
          rule: 'is not a known field',
          code: 'InvalidRequestContent',
        });
      }
      continue;
    }
    issues.push({ path: joinPath(base, ...issue.path), rule: describeZodIssue(issue), code: codeOf(issue) });
  }
  return issues;
}

function codeOf(issue: z.core.$ZodIssue): ValidationCode {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'MissingRequiredParameter';
  if (issue.code === 'invalid_type') return 'InvalidRequestContent';
  return 'InvalidParameterValue';
}

const TYPE_NAMES: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  boolean: 'true or false',
};

function describeZodIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `is required (${expected})` : `must be ${expected}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters long' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : ''}`;
    case 'invalid_format':
      // Regex checks carry their own rule as the message (see file-schema.ts).
      return issue.format === 'regex' ? issue.message : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}
