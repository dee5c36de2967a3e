// Lint rules for the TypeScript sources: the one-way dependencies between workspaces and between the
// gateway's layers, configuration read only by the configuration module, and the typescript-eslint
// recommended rules. Syntax only (no type information), so a full run stays within seconds.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SOURCES = ['gateway/src/**/*.ts', 'audit-consumer/src/**/*.ts', 'packages/*/src/**/*.ts', 'packages/console/web/src/**/*.{ts,tsx}'];

// A relative path that climbs into another workspace would bypass the package boundaries below.
const CROSS_WORKSPACE = {
  regex: '^(\\.\\.?/)+(packages/)?(audit-core|ledger|console|audit-consumer|gateway)/',
  message: 'Import another workspace by its package name (@palisade/…), never by a relative path.',
};

const ENV_IMPORTS = [
  { name: 'node:process', importNames: ['env'], message: 'Read the environment only in the configuration module or a CLI entry file.' },
  { name: 'process', importNames: ['env'], message: 'Read the environment only in the configuration module or a CLI entry file.' },
];

/** Workspaces other than `allowed` that code may not import by package name. */
function onlyWorkspaces(who, allowed) {
  return {
    group: ['@palisade/*', ...allowed.map((name) => `!@palisade/${name}`)],
    message: allowed.length
      ? `${who} may import only ${allowed.map((name) => `@palisade/${name}`).join(' and ')} among the workspaces.`
      : `${who} imports no other workspace.`,
  };
}

/** Gateway folders that `who` may not reach with a relative import. */
function noLayers(who, layers) {
  return {
    regex: `^(\\.\\.?/)+(${layers.join('|')})(/|\\.js$)`,
    message: `${who} must not depend on ${layers.join(', ')}: dependencies point from the request path down to its building blocks, never back.`,
  };
}

function restrictImports(patterns, { env = true } = {}) {
  return { 'no-restricted-imports': ['error', { paths: env ? ENV_IMPORTS : [], patterns: [CROSS_WORKSPACE, ...patterns] }] };
}

const GATEWAY = onlyWorkspaces('The gateway', ['audit-core', 'ledger', 'console']);
const CONSUMER = onlyWorkspaces('The audit consumer', ['audit-core', 'ledger', 'console']);

export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**'] },
  {
    files: SOURCES,
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off', // tsc's noUnusedLocals and noUnusedParameters already fail the build
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in the configuration module (gateway/src/config) or a CLI entry file.' },
      ],
    },
  },
  { files: ['packages/audit-core/src/**/*.ts'], rules: restrictImports([onlyWorkspaces('@palisade/audit-core', [])]) },
  { files: ['packages/ledger/src/**/*.ts'], rules: restrictImports([onlyWorkspaces('@palisade/ledger', ['audit-core'])]) },
  { files: ['packages/console/src/**/*.ts'], rules: restrictImports([onlyWorkspaces('@palisade/console', ['audit-core', 'ledger'])]) },
  // The console's pages run in the auditor's browser: they check proofs with WebCrypto on their own and import no workspace.
  { files: ['packages/console/web/src/**/*.{ts,tsx}'], rules: restrictImports([onlyWorkspaces("The console's web pages", [])]) },
  { files: ['audit-consumer/src/**/*.ts'], rules: restrictImports([CONSUMER]) },
  { files: ['gateway/src/**/*.ts'], rules: restrictImports([GATEWAY]) },
  {
    files: ['classify', 'identity', 'policy', 'redact', 'tokens'].map((dir) => `gateway/src/${dir}/**/*.ts`),
    rules: restrictImports([GATEWAY, noLayers('This building block', ['pipeline', 'http', 'providers', 'workers'])]),
  },
  { files: ['gateway/src/providers/**/*.ts'], rules: restrictImports([GATEWAY, noLayers('A provider', ['pipeline', 'http', 'workers'])]) },
  // The stores and sinks that workers share are used by the workers' code, never the other way.
  { files: ['limits', 'cache', 'audit'].map((dir) => `gateway/src/${dir}/**/*.ts`), rules: restrictImports([GATEWAY, noLayers('This component', ['workers'])]) },
  // The configuration module and the CLI entry files are where the environment is read.
  { files: ['gateway/src/config/**/*.ts', 'gateway/src/cli.ts'], rules: { 'no-restricted-properties': 'off', ...restrictImports([GATEWAY], { env: false }) } },
  { files: ['audit-consumer/src/cli.ts'], rules: { 'no-restricted-properties': 'off', ...restrictImports([CONSUMER], { env: false }) } },
);
