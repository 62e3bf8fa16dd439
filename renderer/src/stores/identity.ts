import { defineStore } from 'pinia';
import { ref } from 'vue';
import { DATA_PLANE_AUDIENCE, type IdentityInfo, type IssueTokenResponse } from '../api/contract.js';
import { isUnavailable, type ApiFailure } from '../api/result.js';
import { decodeJwtPayload } from '../lib/jwt.js';
import { useClient } from '../services.js';

/** Identity: auth mode, trust steps, managed identity values, and tokens on demand. */
export const useIdentityStore = defineStore('identity', () => {
  const info = ref<IdentityInfo>();
  const unavailable = ref<string>();
  const error = ref<ApiFailure>();
  const audience = ref(DATA_PLANE_AUDIENCE);
  const token = ref<IssueTokenResponse>();
  const claims = ref<Record<string, unknown>>();
  const tokenError = ref<ApiFailure>();
  const issuing = ref(false);

  async function load(): Promise<void> {
    const result = await useClient().identity();
    if (result.ok) {
      info.value = result.value;
      error.value = undefined;
    } else if (isUnavailable(result.error)) unavailable.value = result.error.arrivesWith;
    else error.value = result.error;
  }

  async function issue(): Promise<void> {
    issuing.value = true;
    const result = await useClient().issueToken(audience.value);
    issuing.value = false;
    if (result.ok) {
      token.value = result.value;
      claims.value = decodeJwtPayload(result.value.accessToken);
      tokenError.value = undefined;
    } else {
      token.value = undefined;
      claims.value = undefined;
      tokenError.value = result.error;
    }
  }

  return { info, unavailable, error, audience, token, claims, tokenError, issuing, load, issue };
});
