// The lab definition (`labs/<slug>/lab.yaml`), shared by the web app and the lab-runner.
// Pure zod: no Node APIs here, so both sides (and the browser bundle) can import it.
// File existence and topology cross-checks live in the one loader
// (contracts/load-lab-definitions.ts), because they need the file system.
import { z } from 'zod'

/** Checks and hooks run from this host unless they name another one (learners cannot log into it). */
export const DEFAULT_SCRIPT_HOST = 'grader'
export const DEFAULT_CHECK_TIMEOUT_S = 30

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase words joined by "-" (e.g. "ha-setup")')
const serviceName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.-]*$/,
    'must be a Compose service name (lowercase letters, digits, "_", ".", "-")',
  )
/** A path inside the lab folder, e.g. `checks/step-1.sh` or `../topologies/ha-stack.yaml`. */
const labFilePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/'), 'must be relative to the lab folder')
const absoluteContainerPath = z.string().regex(/^\//, 'must be an absolute path inside the container')

/** A script reference; the short form `checks/x.sh` runs on the default host. */
const scriptRef = z.union([
  labFilePath.transform((script) => ({ script, host: undefined, timeoutS: undefined })),
  z.strictObject({
    script: labFilePath,
    host: serviceName.optional(),
    timeoutS: z.number().int().positive().max(600).optional(),
  }),
])

/**
 * Capabilities off the default allow-list: NET_RAW forges packets (ARP/DNS spoofing on the
 * sandbox network), NET_ADMIN rewrites routes and firewall rules inside the container. A
 * topology may add one only when its lab names it here and says why.
 */
export const JUSTIFIED_CAPABILITIES = ['NET_RAW', 'NET_ADMIN'] as const
export type JustifiedCapability = (typeof JUSTIFIED_CAPABILITIES)[number]

export const labCapabilitySchema = z.strictObject({
  name: z.enum(JUSTIFIED_CAPABILITIES, {
    error: `must be one of ${JUSTIFIED_CAPABILITIES.join(', ')} (others need no justification)`,
  }),
  justification: z.string().trim().min(20, 'must say what in the lab needs it (at least 20 characters)'),
})

export const labLimitsSchema = z.strictObject({
  timeLimitMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
  idleTimeoutMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
  extensionMinutes: z
    .number()
    .int()
    .nonnegative()
    .max(24 * 60)
    .default(15),
  maxExtensions: z.number().int().nonnegative().max(20).default(2),
})

export const labStepSchema = z.strictObject({
  id: slug,
  title: z.string().min(1),
  /** Path to an .mdx file with the step's instructions. */
  instructions: labFilePath.refine((p) => p.endsWith('.mdx'), 'must name an .mdx file'),
  check: z.strictObject({
    script: labFilePath,
    host: serviceName.optional(),
    timeoutS: z.number().int().positive().max(600).default(DEFAULT_CHECK_TIMEOUT_S),
  }),
  solve: z.strictObject({
    script: labFilePath,
    host: serviceName.optional(),
  }),
  hints: z
    .array(z.strictObject({ afterAttempts: z.number().int().nonnegative(), text: z.string().min(1) }))
    .default([]),
  points: z.number().int().nonnegative(),
  /**
   * Steps that must have passed before this step's check runs (ids of earlier steps): the
   * check judges evidence those steps produce, so running it first could only mislead.
   */
  requires: z.array(slug).default([]),
})

/**
 * The lab's in-app dashboard: a learner-edited file of PromQL panels (see
 * lab-runner/src/dashboard/) run against one Prometheus of the sandbox.
 */
export const labDashboardSchema = z.strictObject({
  /** The panels file; must be one of the lab's `editableFiles`, so the learner can write it. */
  file: z.strictObject({ host: serviceName, path: absoluteContainerPath }),
  /** The only place the panels' queries are sent. */
  prometheus: z.strictObject({ host: serviceName, port: z.number().int().min(1).max(65535) }),
})

export const labDefinitionSchema = z
  .strictObject({
    slug,
    title: z.string().min(1),
    summary: z.string().min(1),
    /** Compose file, relative to the lab folder (e.g. `topology.yaml` or `../topologies/ha-stack.yaml`). */
    topology: labFilePath,
    limits: labLimitsSchema,
    shellHosts: z.array(serviceName).min(1).default(['workstation']),
    editableFiles: z
      .array(z.strictObject({ host: serviceName, path: absoluteContainerPath, language: z.string().min(1) }))
      .default([]),
    serviceTabs: z
      .array(
        z.strictObject({
          label: z.string().min(1),
          host: serviceName,
          port: z.number().int().min(1).max(65535),
          path: z.string().regex(/^\//, 'must start with "/"').default('/'),
        }),
      )
      .default([]),
    /** When true, each sandbox gets its own seed so data (and answers) differ per learner. */
    variantSeed: z.boolean().default(false),
    hooks: z.strictObject({ setup: scriptRef.optional(), cleanup: scriptRef.optional() }).default({}),
    dashboard: labDashboardSchema.optional(),
    /** Capabilities outside the default allow-list that this lab's topology adds, each with a reason. */
    capabilities: z.array(labCapabilitySchema).default([]),
    steps: z.array(labStepSchema).min(1),
  })
  .superRefine((lab, ctx) => {
    const seen = new Set<string>()
    lab.steps.forEach((step, index) => {
      if (seen.has(step.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'id'],
          message: `duplicate step id "${step.id}"`,
        })
      }
      seen.add(step.id)
      step.requires.forEach((required, r) => {
        if (required === step.id) {
          ctx.addIssue({
            code: 'custom',
            path: ['steps', index, 'requires', r],
            message: `a step cannot require itself ("${required}")`,
          })
        } else if (!seen.has(required)) {
          const later = lab.steps.some((s) => s.id === required)
          ctx.addIssue({
            code: 'custom',
            path: ['steps', index, 'requires', r],
            message: later
              ? `"${required}" comes after "${step.id}"; a step can only require earlier steps (move it up or drop the requirement)`
              : `there is no step "${required}" in this lab (steps: ${lab.steps.map((s) => s.id).join(', ')})`,
          })
        }
      })
    })
    const dashboardFile = lab.dashboard?.file
    if (dashboardFile && !lab.editableFiles.some((rule) => coversFile(rule, dashboardFile))) {
      ctx.addIssue({
        code: 'custom',
        path: ['dashboard', 'file'],
        message: `${dashboardFile.host}:${dashboardFile.path} is not one of the lab's editableFiles; list it there so the learner can write the panels in the Editor`,
      })
    }
  })

/** Same rule as the editor's allow-list: an exact path, or a directory entry ending in "/". */
function coversFile(rule: { host: string; path: string }, file: { host: string; path: string }): boolean {
  if (rule.host !== file.host) return false
  return rule.path.endsWith('/')
    ? file.path.startsWith(rule.path) && file.path.length > rule.path.length
    : rule.path === file.path
}

export type LabDefinition = z.infer<typeof labDefinitionSchema>
export type LabStep = z.infer<typeof labStepSchema>
export type LabLimits = z.infer<typeof labLimitsSchema>
export type LabDashboard = z.infer<typeof labDashboardSchema>

/** Formats a zod issue path the way lab authors read it: `steps[2].check.script`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out === '' ? '(root)' : out
}

export interface FieldIssue {
  /** e.g. `steps[2].check.script` */
  path: string
  message: string
}

/**
 * Flattens zod issues into `{ path, message }`, looking inside unions: when exactly one
 * alternative matched the value's type, its nested issue (with the full path) is reported
 * instead of zod's bare "Invalid input".
 */
export function describeZodIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  prefix: ReadonlyArray<PropertyKey> = [],
): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    const path = [...prefix, ...issue.path]
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const typeMismatch = (branch: ReadonlyArray<z.core.$ZodIssue>) =>
        branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0
      const matching = issue.errors.filter((branch) => !typeMismatch(branch))
      if (matching.length === 1 && matching[0]) return describeZodIssues(matching[0], path)
      if (matching.length === 0) {
        const expected = issue.errors.map((branch) =>
          branch[0]?.code === 'invalid_type' ? branch[0].expected : '?',
        )
        return [{ path: formatIssuePath(path), message: `expected ${[...new Set(expected)].join(' or ')}` }]
      }
    }
    return [{ path: formatIssuePath(path), message: issue.message }]
  })
}
