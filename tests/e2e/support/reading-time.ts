// Browser tests cannot wait a lesson's real reading time (minutes): this moves the start of the
// learner's server-side read session into the past, as if they had been reading that long.
import pg from 'pg'
import { databaseUrl } from './accounts'

export async function backdateReadSession(
  email: string,
  lessonKey: string,
  seconds: number,
  /** The platform's database; default: the main e2e platform's. */
  connectionString = databaseUrl(),
): Promise<void> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const { rowCount } = await client.query(
      `UPDATE lesson_progress SET "readStartedAt" = now() - make_interval(secs => $3)
       WHERE "lessonKey" = $2 AND "userId" = (SELECT id FROM users WHERE email = $1)`,
      [email, lessonKey, seconds],
    )
    if (rowCount !== 1) throw new Error(`no read session for ${email} on ${lessonKey}: open the lesson first`)
  } finally {
    await client.end()
  }
}
