// Benchmark of the instructor's progress matrix: 500 generated learners (by default) with
// realistic progress over every course item (lessons, quizzes, every step of the installed
// labs, check runs), then the median server time of
//   1. the data path in-process (grouped queries + grading + the matrix model), and
//   2. the real page over HTTP from the production build (`next start`), signed in as the
//      cohort's instructor, plus the CSV export of the whole cohort.
// Needs a production build (`npx next build`). Everything runs on loopback, in a throwaway
// embedded PostgreSQL, and is removed afterwards.
//
// Run: npm run bench:matrix [-- --learners N (500) --runs N (7)]
// The web app's server modules import `server-only`, which only loads under the
// `react-server` export condition, so the script re-runs itself with it when started without.
import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createAccount } from '../accounts/create-account'
import { startEmbeddedPostgres } from '../db/embedded-postgres'
import { applyMigrations, projectRoot } from '../db/migrations'
import { freePort } from '../../tests/support/free-port'

const COURSE = 'production-operations'
const { values: args } = parseArgs({
  options: { learners: { type: 'string', default: '500' }, runs: { type: 'string', default: '7' } },
})
const LEARNERS = Number(args.learners)
const RUNS = Number(args.runs)

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const ms = (n: number) => `${n.toFixed(1)} ms`

// Deterministic pseudo-random numbers, so every run seeds the same cohort.
let seed = 42
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31

const FAILS = [
  'pg-replica is not streaming from pg-primary (pg_stat_replication is empty)',
  'redis cluster_state is fail: create the cluster with all 3 nodes',
  'lb has 1 backend up, expected 3',
  'pgbouncer pool_mode is session, expected transaction',
  'alert HelixAgentDown did not fire within 60s',
]

async function seedCohort(url: string) {
  // Imported here: these read configuration on first use, after DATABASE_URL is set.
  const { loadCourse } = await import('../../server/content/load-content')
  const { readGradedLabs } = await import('../../server/grading/graded-labs')
  const course = await loadCourse(COURSE)
  const { labs } = await readGradedLabs()
  const password = `bench-${randomBytes(8).toString('hex')}`
  const email = `bench-instructor-${randomUUID().slice(0, 6)}@example.test`
  const account = await createAccount(url, { name: 'Bench Instructor', email, password, role: 'instructor' })
  if (account.status !== 'created')
    throw new Error(`could not create the instructor: ${JSON.stringify(account)}`)

  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const cohortId = randomUUID()
  await client.query(
    `insert into cohorts (id, name, "courseSlug", "createdById") values ($1, 'Bench cohort', $2, $3)`,
    [cohortId, COURSE, account.id],
  )
  await client.query(`insert into cohort_instructors ("cohortId", "userId") values ($1, $2)`, [
    cohortId,
    account.id,
  ])

  const users: string[] = []
  const lessons: [string, string, Date | null][] = []
  const attempts: [string, string, number, number, boolean][] = []
  const steps: [string, string, string, number, Date | null, number][] = []
  const sessions: [string, string, string][] = []
  const runs: [string, string, string, string, string, boolean, number, string, string[]][] = []
  for (let i = 0; i < LEARNERS; i++) {
    const id = randomUUID()
    users.push(id)
    const level = rand() ** 0.7 // most learners are part-way through
    const lessonsDone = Math.floor(level * course.lessons.length)
    course.lessons.forEach((lesson, n) => {
      if (n < lessonsDone) lessons.push([id, lesson.key, new Date()])
      else if (n === lessonsDone) lessons.push([id, lesson.key, null])
    })
    for (const mod of course.modules) {
      // Learners take a module's quiz once they have finished its lessons.
      if (!mod.lessons.every((l) => course.lessons.findIndex((x) => x.key === l.key) < lessonsDone)) continue
      const total = mod.quiz.questions.length
      const tries = 1 + Math.floor(rand() * 3)
      for (let t = 0; t < tries; t++) {
        const correct = Math.min(total, Math.floor(total * (0.5 + rand() * 0.6)))
        attempts.push([id, mod.quiz.key, correct, total, correct * 100 >= mod.quiz.passPercent * total])
      }
    }
    const labLevel = level * labs.reduce((n, l) => n + l.steps.length, 0)
    let stepIndex = 0
    for (const lab of labs) {
      if (stepIndex >= labLevel) break
      const sessionId = randomUUID()
      sessions.push([sessionId, id, lab.slug])
      for (const step of lab.steps) {
        if (stepIndex++ >= labLevel + 1) break
        const tries = 1 + Math.floor(rand() * 5)
        const passed = stepIndex < labLevel
        steps.push([id, lab.slug, step.id, tries, passed ? new Date() : null, passed ? step.points : 0])
        for (let t = 0; t < tries; t++) {
          const ok = passed && t === tries - 1
          runs.push([
            randomUUID(),
            sessionId,
            id,
            lab.slug,
            step.id,
            ok,
            500 + Math.floor(rand() * 4000),
            ok ? 'PASS' : 'FAIL: …',
            ok ? [] : [FAILS[Math.floor(rand() * FAILS.length)]!],
          ])
        }
      }
    }
  }
  const col = <T>(rows: T[][], i: number) => rows.map((r) => r[i])
  await client.query(
    `insert into users (id, name, email, role, "updatedAt") select u, 'Learner ' || lpad(n::text, 4, '0'), 'learner-' || n || '@bench.test', 'learner', now() from unnest($1::text[]) with ordinality as t(u, n)`,
    [users],
  )
  await client.query(
    `insert into cohort_members ("cohortId", "userId") select $1, u from unnest($2::text[]) as u`,
    [cohortId, users],
  )
  await client.query(
    `insert into lesson_progress ("userId", "lessonKey", "completedAt", "updatedAt") select * , now() from unnest($1::text[], $2::text[], $3::timestamptz[])`,
    [col(lessons, 0), col(lessons, 1), col(lessons, 2)],
  )
  await client.query(
    `insert into quiz_attempts (id, "userId", "quizKey", answers, correct, total, passed) select gen_random_uuid()::text, u, q, '{}'::jsonb, c, t, p from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bool[]) as x(u, q, c, t, p)`,
    [0, 1, 2, 3, 4].map((i) => col(attempts, i)),
  )
  await client.query(
    `insert into lab_sessions (id, "userId", "labSlug", status) select i, u, l, 'ended' from unnest($1::text[], $2::text[], $3::text[]) as x(i, u, l)`,
    [0, 1, 2].map((i) => col(sessions, i)),
  )
  await client.query(
    `insert into lab_step_results ("userId", "labSlug", "stepId", attempts, "passedAt", points, "updatedAt") select *, now() from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::int[])`,
    [0, 1, 2, 3, 4, 5].map((i) => col(steps, i)),
  )
  await client.query(
    `insert into check_runs (id, "sessionId", "userId", "actorId", "labSlug", "stepId", kind, passed, "durationMs", output, "failMessages", hints)
     select i, s, u, u, l, st, 'check', p, d, o, case when f is null then '{}'::text[] else array[f] end, '{}'
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::int[], $8::text[], $9::text[]) as x(i, s, u, l, st, p, d, o, f)`,
    [...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => col(runs, i)), runs.map((r) => r[8][0] ?? null)],
  )
  await client.query('analyze')
  await client.end()
  const items = course.lessons.length + course.modules.length + labs.reduce((n, l) => n + l.steps.length, 0)
  return {
    cohortId,
    instructor: { id: account.id, email, password },
    items,
    labs: labs.length,
    rows: {
      lessons: lessons.length,
      quizAttempts: attempts.length,
      labSteps: steps.length,
      checkRuns: runs.length,
    },
  }
}

async function timeIt(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  await work() // warm-up: caches, JIT, connection pool
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await work()
    times.push(performance.now() - start)
  }
  return times
}

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await fetch(url).catch(() => undefined)
    if (res?.ok) return
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}

/** Re-runs this script under `--conditions=react-server`; answers whether it did. */
function rerunWithServerCondition(): boolean {
  if (process.execArgv.some((a) => a.includes('react-server'))) return false
  const child = spawn(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', import.meta.filename, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  )
  child.on('exit', (code) => process.exit(code ?? 1))
  return true
}

async function main() {
  if (rerunWithServerCondition()) return
  if (!existsSync(path.join(projectRoot, '.next/BUILD_ID'))) {
    console.error('No production build found. Run `npx next build` first, then `npm run bench:matrix`.')
    process.exit(1)
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'academy-bench-'))
  // The embedded server runs as the `postgres` user, which must be able to enter the folder.
  await chmod(dir, 0o755)
  const database = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'bench' })
  let server: ReturnType<typeof spawn> | undefined
  try {
    await applyMigrations(database.url)
    const secret = randomBytes(32).toString('base64url')
    const port = await freePort()
    const publicUrl = `http://127.0.0.1:${port}`
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: secret,
      PUBLIC_URL: publicUrl,
      NODE_ENV: 'production',
    })

    const seedStart = performance.now()
    const seeded = await seedCohort(database.url)
    console.log(
      `Seeded ${LEARNERS} learners × ${seeded.items} course items (${seeded.labs} labs) in ${ms(performance.now() - seedStart)}: ` +
        `${seeded.rows.lessons} lesson rows, ${seeded.rows.quizAttempts} quiz attempts, ${seeded.rows.labSteps} lab step results, ${seeded.rows.checkRuns} check runs.`,
    )

    // 1. In-process: the grouped queries, grading and the matrix model.
    const { loadCohortProgress } = await import('../../server/grading/load-cohort-progress')
    const { buildProgressMatrix, parseMatrixQuery } = await import('../../server/instructor/progress-matrix')
    const actor = { id: seeded.instructor.id, role: 'instructor' as const }
    const { fetchProgress } = await import('../../server/grading/fetch-progress')
    const { readGradedLabs } = await import('../../server/grading/graded-labs')
    const labSlugs = (await readGradedLabs()).labs.map((l) => l.slug)
    const users = { cohortsJoined: { some: { cohortId: seeded.cohortId, removedAt: null } } }
    const queries = await timeIt(RUNS, () => fetchProgress({ users, courseSlug: COURSE, labSlugs }))
    const data = await timeIt(RUNS, async () =>
      buildProgressMatrix(
        await loadCohortProgress({ actor, cohortId: seeded.cohortId }),
        parseMatrixQuery({}),
      ),
    )
    const { db } = await import('../../server/db')
    await db().$disconnect()

    // 2. Over HTTP from the production build.
    server = spawn(
      process.execPath,
      [
        path.join(projectRoot, 'node_modules/next/dist/bin/next'),
        'start',
        '-H',
        '127.0.0.1',
        '-p',
        String(port),
      ],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          BETTER_AUTH_SECRET: secret,
          PUBLIC_URL: publicUrl,
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
    await waitFor(`${publicUrl}/api/health`, 60_000)
    const signIn = await fetch(`${publicUrl}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: publicUrl },
      body: JSON.stringify({ email: seeded.instructor.email, password: seeded.instructor.password }),
    })
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    if (!signIn.ok || !cookie) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`)
    let bytes = 0
    const get = (pathname: string) => async () => {
      const res = await fetch(`${publicUrl}${pathname}`, { headers: { cookie } })
      const body = await res.text()
      if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}`)
      bytes = Buffer.byteLength(body)
    }
    const base = `/instructor/cohorts/${seeded.cohortId}`
    const page = await timeIt(RUNS, get(base))
    const pageBytes = bytes
    const sorted = await timeIt(RUNS, get(`${base}?sort=grade&dir=desc&flag=behind`))
    const csv = await timeIt(RUNS, get(`${base}/gradebook.csv`))
    const csvBytes = bytes

    console.log(`\nMedian of ${RUNS} runs (after one warm-up), ${LEARNERS} learners × ${seeded.items} items:`)
    console.log(
      `  progress queries only (in-process)         ${ms(median(queries))}   [${queries.map((t) => t.toFixed(0)).join(', ')}]`,
    )
    console.log(
      `  data + grading + matrix model (in-process) ${ms(median(data))}   [${data.map((t) => t.toFixed(0)).join(', ')}]`,
    )
    console.log(
      `  matrix page, HTTP, first 100 rows          ${ms(median(page))}   [${page.map((t) => t.toFixed(0)).join(', ')}] ${(pageBytes / 1024).toFixed(0)} KiB`,
    )
    console.log(
      `  matrix page, sorted by grade, behind only  ${ms(median(sorted))}   [${sorted.map((t) => t.toFixed(0)).join(', ')}]`,
    )
    console.log(
      `  gradebook CSV, all learners                ${ms(median(csv))}   [${csv.map((t) => t.toFixed(0)).join(', ')}] ${(csvBytes / 1024).toFixed(0)} KiB`,
    )
  } finally {
    server?.kill('SIGTERM')
    await database.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
