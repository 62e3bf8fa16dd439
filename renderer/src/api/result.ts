import type { ValidationIssue } from './contract.js';

/** What every client call resolves to: never a thrown error, so each view shows failures where they happen. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiFailure };

export interface ApiFailure {
  /** HTTP status; 0 when the emulator could not be reached at all. */
  status: number;
  code: string;
  message: string;
  issues?: ValidationIssue[];
  /** Set for features that arrive with a later module (`FeatureNotAvailable`). */
  arrivesWith?: string;
}

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function failure<T>(error: ApiFailure): ApiResult<T> {
  return { ok: false, error };
}

export function isUnavailable(error: ApiFailure): error is ApiFailure & { arrivesWith: string } {
  return error.code === 'FeatureNotAvailable' && typeof error.arrivesWith === 'string';
}
