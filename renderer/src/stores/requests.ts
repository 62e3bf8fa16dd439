import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SendRequest, SendResponse } from '../api/contract.js';
import { isUnavailable, type ApiFailure } from '../api/result.js';
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

/**
 * Requests: the composer works today (the server sends through the pool endpoint with a token); the
 * recorded-exchange list arrives with request recording, and says so until then.
 */
export const useRequestsStore = defineStore('requests', () => {
  const unavailable = ref<string>();
  const listError = ref<ApiFailure>();
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

  async function load(): Promise<void> {
    const result = await useClient().listRequests();
    if (result.ok) {
      unavailable.value = undefined;
      listError.value = undefined;
    } else if (isUnavailable(result.error)) {
      unavailable.value = result.error.arrivesWith;
    } else {
      listError.value = result.error;
    }
  }

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

  return { unavailable, listError, draft, sending, response, sendError, load, send };
});

export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
