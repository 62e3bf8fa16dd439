import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createHttpClient } from './api/client.js';
import { browserPlatform, type Platform } from './platform/platform.js';
import { installServices } from './services.js';
import './styles.css';

declare global {
  interface Window {
    /** Provided by the Electron preload (issue 8); absent in a browser. */
    sessionite?: Platform;
  }
}

async function boot(): Promise<void> {
  const platform = window.sessionite ?? browserPlatform(window);
  const endpoint = await platform.adminEndpoint();
  installServices({ platform, client: createHttpClient(endpoint) });
  createApp(App).use(createPinia()).mount('#app');
}

void boot();
