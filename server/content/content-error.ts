import type { z } from 'zod'

/** A content file that cannot be used; the message names the file and the field. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ContentError'
  }

  static fromZod(file: string, error: z.ZodError): ContentError {
    return new ContentError(
      file,
      error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(frontmatter)'}: ${i.message}`),
    )
  }
}
