// Every sandbox image, where its build context lives, and what it needs first.
// Order here does not matter: the builder sorts by `after`.

export interface ContextExtra {
  /** Folder (relative to the project root) copied into the build context. */
  from: string
  /** Sub-folder of the build context it lands in. */
  to: string
  /** Files (relative to `from`) that must exist, with a hint shown when one is missing. */
  required: string[]
  missingHint: string
}

export interface ImageSpec {
  /** Image name: tagged `helix-academy/<name>:<hash>` and `:latest`. */
  name: string
  /** Build context folder, relative to the project root. */
  dir: string
  /** Images that must be ready before this one (dependency order). */
  after: string[]
  /** Build args that receive another image's content-hash tag (multi-stage `COPY --from`). */
  imageArgs: Record<string, string>
  /** Files from elsewhere in the tree that the build context needs (assembled by the builder). */
  extras: ContextExtra[]
  /** Command run (from the project root) before hashing, when `prepare.script` exists. */
  prepare?: { script: string; command: string[] }
}

const helixagentCli: ContextExtra = {
  from: 'labs/images/helixagent/dist',
  to: 'helixagent',
  required: ['helixagent-cli.mjs'],
  missingHint:
    'The HelixAgent CLI bundle is produced by `npx tsx labs/images/helixagent/bundle.ts` (the builder runs it for the helixagent image).',
}

function image(name: string, rest: Partial<Omit<ImageSpec, 'name'>> = {}): ImageSpec {
  return { name, dir: `labs/images/${name}`, after: [], imageArgs: {}, extras: [], ...rest }
}

export const imageCatalog: readonly ImageSpec[] = [
  image('helixagent', {
    prepare: {
      script: 'labs/images/helixagent/bundle.ts',
      command: ['npx', 'tsx', 'labs/images/helixagent/bundle.ts'],
    },
  }),
  image('postgres'),
  image('pgbouncer'),
  image('redis'),
  image('haproxy'),
  image('prometheus'),
  image('alertmanager'),
  image('exporters'),
  // The learner shell and the grader copy promtool from our prometheus image and the
  // HelixAgent CLI bundle from helixagent's dist/ (so they also wait for helixagent's bundle);
  // the learner shell also copies amtool from our alertmanager image.
  image('workstation', {
    after: ['prometheus', 'alertmanager', 'helixagent'],
    imageArgs: { PROMETHEUS_IMAGE: 'prometheus', ALERTMANAGER_IMAGE: 'alertmanager' },
    extras: [helixagentCli],
  }),
  image('grader', {
    after: ['prometheus', 'helixagent'],
    imageArgs: { PROMETHEUS_IMAGE: 'prometheus' },
    extras: [helixagentCli],
  }),
]
