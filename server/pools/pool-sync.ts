import 'server-only'
// Every web instance pushes the database's pool state to the runner on a timer, so a session's
// pool warms ten minutes before it starts even when nobody has a page open, and a restarted
// runner gets its pools back. Two instances push the same state; the runner takes the latest.
import { runner } from '@/server/labs/runner'
import { pushPoolState } from './pool-state'

const SYNC_INTERVAL_MS = 20_000
let timer: NodeJS.Timeout | undefined

export function startPoolSync(): void {
  if (timer) return
  const round = () =>
    void pushPoolState({ now: new Date(), client: runner() }).catch((error: unknown) =>
      console.error(JSON.stringify({ level: 'warn', msg: 'warm pool sync failed', error: String(error) })),
    )
  timer = setInterval(round, SYNC_INTERVAL_MS)
  timer.unref()
  round()
}
