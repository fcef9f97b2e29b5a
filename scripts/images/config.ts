// Image-builder configuration, read once from the environment and validated.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const envSchema = z.object({
  ACADEMY_DATA_DIR: z.string().min(1).optional(),
  ACADEMY_IMAGE_REPOSITORY: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/-]*$/, 'lower-case Docker repository prefix, e.g. helix-academy')
    .optional(),
  ACADEMY_BASE_IMAGE: z.string().min(1).optional(),
  ACADEMY_DEBIAN_MIRROR: z.url().optional(),
})

export interface ImageBuildConfig {
  projectRoot: string
  dataDir: string
  /** Images are tagged `<repository>/<name>:<hash>`. */
  repository: string
  baseImage: string
  debianMirror?: string
}

export type ConfigResult = { ok: true; config: ImageBuildConfig } | { ok: false; message: string }

export function loadImageBuildConfig(env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    return { ok: false, message: `Invalid image-builder environment:\n${problems.join('\n')}` }
  }
  const values = parsed.data
  return {
    ok: true,
    config: {
      projectRoot,
      dataDir: path.resolve(projectRoot, values.ACADEMY_DATA_DIR ?? '.data'),
      repository: values.ACADEMY_IMAGE_REPOSITORY ?? 'helix-academy',
      baseImage: values.ACADEMY_BASE_IMAGE ?? 'helix-academy/debian:bookworm',
      debianMirror: values.ACADEMY_DEBIAN_MIRROR,
    },
  }
}
