import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SendRequest, SendResponse } from '../api/contract.js';
import type { ApiFailure } from '../api/result.js';
import { useClient } from '../services.js';

export interface ComposerDraft {
  pool: string;
  identifier: string;
  method: string;
  path: string;
  /** `Name: value` per line. */
  headers: string;
  body: string;
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** The composer: the server sends the request through the pool endpoint with a data-plane token. */
export const useComposerStore = defineStore('composer', () => {
  const draft = ref<ComposerDraft>({
    pool: '',
    identifier: 'session-1',
    method: 'GET',
    path: '/',
    headers: '',
    body: '',
  });
  const sending = ref(false);
  const response = ref<SendResponse>();
  const sendError = ref<ApiFailure>();

  async function send(): Promise<void> {
    const { pool, ...rest } = draft.value;
    const request: SendRequest = {
      identifier: rest.identifier,
      method: rest.method,
      path: rest.path || '/',
      headers: parseHeaders(rest.headers),
      ...(rest.body !== '' && rest.method !== 'GET' && rest.method !== 'HEAD' ? { body: rest.body } : {}),
    };
    sending.value = true;
    sendError.value = undefined;
    const result = await useClient().send(pool, request);
    sending.value = false;
    if (result.ok) response.value = result.value;
    else {
      response.value = undefined;
      sendError.value = result.error;
    }
  }

  return { draft, sending, response, sendError, send };
});

/** `Name: value` lines → a header object; lines without a name are ignored. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A header object → `Name: value` lines (arrays become one line per value). */
export function formatHeaders(headers: Record<string, string | string[]>): string {
  return Object.entries(headers)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`))
    .join('\n');
}
