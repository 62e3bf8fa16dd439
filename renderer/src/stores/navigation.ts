import { defineStore } from 'pinia';
import { ref } from 'vue';

export const VIEWS = ['overview', 'pools', 'sessions', 'requests', 'logs', 'identity', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

/**
 * Which view is shown, as `#/view/param`. The store only parses and formats; `App.vue` syncs it with
 * the address bar (stores never touch `window`).
 */
export const useNavigationStore = defineStore('navigation', () => {
  const view = ref<ViewName>('overview');
  const param = ref<string>();

  function go(next: ViewName, nextParam?: string): void {
    view.value = next;
    param.value = nextParam;
  }

  function fromHash(hash: string): void {
    const [name, rest] = hash.replace(/^#\/?/, '').split('/', 2);
    const found = VIEWS.find((v) => v === name);
    view.value = found ?? 'overview';
    param.value = rest ? decodeURIComponent(rest) : undefined;
  }

  function toHash(): string {
    return `#/${view.value}${param.value ? `/${encodeURIComponent(param.value)}` : ''}`;
  }

  return { view, param, go, fromHash, toHash };
});
