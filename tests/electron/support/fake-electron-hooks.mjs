// `node --import` this file to resolve `electron` to fake-electron.mjs (see desktop-headless.test.ts).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      const fake = ${JSON.stringify(new URL('./fake-electron.mjs', import.meta.url).href)};
      export async function resolve(specifier, context, next) {
        if (specifier === 'electron') return { url: fake, shortCircuit: true };
        return next(specifier, context);
      }
    `),
);
