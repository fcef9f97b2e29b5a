// Where the platform under test lives: its own port, data folder and embedded database,
// so a developer's running instance is never touched.
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '../../..')
const port = 3100
const pgPort = 54349
const runnerPort = 4110

export const e2e = {
  root,
  baseUrl: `http://127.0.0.1:${port}`,
  dataDir: path.join(root, '.data/e2e'),
  pgPort,
  runnerUrl: `http://127.0.0.1:${runnerPort}`,
  serverEnv: {
    DATA_DIR: '.data/e2e',
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    SEED_DEMO_ACCOUNTS: 'no',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // The lab-runner of the platform under test: its own port and instance name (it reaps
    // leftovers of earlier e2e runs, never anyone else's), and the tiny fixture lab.
    RUNNER_PORT: String(runnerPort),
    RUNNER_INSTANCE: 'academy-e2e',
    LABS_DIR: 'lab-runner/test-fixtures/labs',
    // The suite signs in dozens of times from one address within seconds.
    AUTH_RATE_LIMIT: 'off',
    // Small upload chunks, so the media spec can drop a connection between two of them.
    MEDIA_UPLOAD_CHUNK_BYTES: '65536',
    // Rendering 19 narrated videos would compete with the timed browser tests for the CPU.
    GENERATE_VIDEOS: 'no',
  },
}
