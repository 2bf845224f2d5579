import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web UI runs in the browser: of the server it may import only the contract — schemas, pure rules, the
    // transition table and src/shared — never a service, a repository or the database. The contract modules themselves
    // import only each other, so nothing reaches the server through them.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        { type: 'web', pattern: 'src/web' },
        { type: 'server', pattern: 'src/*' },
      ],
      'boundaries/files': [
        {
          category: 'contract',
          pattern: [
            'src/shared/*.ts',
            'src/i18n/*.ts',
            'src/*/schemas.ts',
            'src/*/rules.ts',
            'src/*/transitions.ts',
            'src/*/messages.ts',
          ],
        },
      ],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            { from: { element: { type: 'web' } }, disallow: { to: { element: { type: 'server' } } } },
            { from: { element: { type: 'web' } }, allow: { to: { file: { categories: 'contract' } } } },
            { from: { file: { categories: 'contract' } }, disallow: { to: { element: { type: 'server' } } } },
            { from: { file: { categories: 'contract' } }, allow: { to: { file: { categories: 'contract' } } } },
          ],
        },
      ],
    },
  },
);
