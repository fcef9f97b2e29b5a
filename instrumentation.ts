// Next.js start-up hook: each web instance pushes the warm-pool state to the runner on a timer
// (server/pools/pool-sync.ts), so scheduled sessions warm up without a page being open.
export async function register(): Promise<void> {
  // Set by Next.js itself (not configuration): the edge runtime cannot load server code.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env['NEXT_RUNTIME'] !== 'nodejs') return
  const { startPoolSync } = await import('./server/pools/pool-sync')
  startPoolSync()
}
