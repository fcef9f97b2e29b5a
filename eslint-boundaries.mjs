// The arrows between the rooms (docs/architecture.md). `contracts/` is the only bridge:
// app ↔ server ↔ lab-runner never import each other except as listed here, and a client
// component ('use client') takes nothing but types from the server.
// Tests and test support are exempt: they wire both processes together on purpose.

const room = (name) => [`@/${name}`, `@/${name}/**`, `**/${name}/**`]
const rule = (message, names) => ({ group: names.flatMap(room), message })

const appToRunner = rule(
  'The web app never imports the lab-runner: call it over REST (server/labs/runner-client.ts); shared code goes in contracts/.',
  ['lab-runner'],
)
const serverToApp = rule(
  'server/ never imports app/: move what both need to contracts/ (or server/), see docs/architecture.md.',
  ['app'],
)
const runnerToWeb = rule(
  'The lab-runner never imports the web app (app/, server/): shared code goes in contracts/.',
  ['app', 'server'],
)
const contractsToRooms = rule(
  'contracts/ is the bottom room: it imports only packages and other contracts/ files.',
  ['app', 'server', 'lab-runner'],
)

const exempt = ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**', 'lab-runner/test-fixtures/**']

const restrict = (files, patterns) => ({
  files,
  ignores: exempt,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
})

/** Type-only imports carry no code into the browser bundle; a value import would. */
function isTypeOnly(node) {
  if (node.importKind === 'type') return true
  return node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')
}

const clientImportsServer = {
  meta: {
    type: 'problem',
    messages: {
      serverValue:
        "A client component ('use client') imports only types from server/ (`import type`); move shared values to contracts/.",
    },
    schema: [],
  },
  create(context) {
    const directives = context.sourceCode.ast.body.filter(
      (n) => n.type === 'ExpressionStatement' && n.directive,
    )
    if (!directives.some((d) => d.directive === 'use client')) return {}
    return {
      ImportDeclaration(node) {
        const source = String(node.source.value)
        const fromServer =
          /^@\/server(\/|$)/.test(source) || /(^|\/)server\//.test(source.replace(/^(\.\.\/)+/, '/'))
        if (fromServer && !isTypeOnly(node)) context.report({ node, messageId: 'serverValue' })
      },
    }
  },
}

export const boundaryConfigs = [
  restrict(['app/**'], [appToRunner]),
  restrict(['server/**'], [appToRunner, serverToApp]),
  restrict(['lab-runner/**'], [runnerToWeb]),
  restrict(['contracts/**'], [contractsToRooms]),
  {
    files: ['app/**/*.tsx', 'app/**/*.ts'],
    ignores: exempt,
    plugins: { boundaries: { rules: { 'client-imports-server-types-only': clientImportsServer } } },
    rules: { 'boundaries/client-imports-server-types-only': 'error' },
  },
]
