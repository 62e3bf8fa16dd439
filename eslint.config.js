import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';
import { builtinModules } from 'node:module';

/**
 * The renderer runs in a browser sandbox (and Electron's, with no Node): it may import no Node module,
 * no Electron, and nothing of the emulator except the admin API contract (through `renderer/src/api/contract.ts`).
 */
const rendererImports = [
  'error',
  {
    paths: builtinModules.map((name) => ({
      name,
      message: 'the renderer runs in a browser: no Node modules',
    })),
    patterns: [
      { group: ['node:*'], message: 'the renderer runs in a browser: no Node modules' },
      {
        group: ['electron', 'electron/*'],
        message: 'OS features go through the Platform interface (renderer/src/platform)',
      },
      {
        regex: '(^|/)emulator/(?!admin/contract\\.js$)',
        message: 'the renderer talks to the emulator only through the admin API contract',
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The emulator is a UI-free library: the CLI and Electron are hosts around it, never the reverse.
    files: ['emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'vue', 'pinia', '*/renderer/*', '*/electron/*'], message: 'emulator/ must stay UI-free' }] },
      ],
    },
  },
  {
    // The Electron host (issue 8). It shares exactly one thing with the renderer: the preload's object is
    // type-checked against the renderer's Platform interface (a type-only import, nothing bundled).
    files: ['electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/renderer/**'],
              allowTypeImports: true,
              message: 'electron/ bundles no renderer code',
            },
          ],
        },
      ],
    },
  },
  {
    // A sandboxed preload can require nothing but `electron`, and holds no emulator code.
    files: ['electron/preload/**/*.ts'],
    ignores: ['electron/preload/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'a sandboxed preload has no Node modules' })),
          patterns: [
            { group: ['node:*'], message: 'a sandboxed preload has no Node modules' },
            { group: ['**/emulator/**'], message: 'the preload only forwards to main' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['renderer/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': rendererImports },
  },
  // Single-file components: Vue's rules plus the same import boundary. Their types are checked by vue-tsc
  // (`npm run typecheck:renderer`), so the type-aware lint rules stay with the .ts files.
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['renderer/src/**/*.vue'] })),
  {
    files: ['renderer/src/**/*.vue'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.vue'],
        sourceType: 'module',
        projectService: false,
      },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      'no-restricted-imports': rendererImports,
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-indent': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
);
