// The lab page's two clocks, told apart: the idle clock (restarted by terminal input, saves,
// checks and service tabs) and the lab's time limit (which activity does not change).

/** m:ss below an hour, "1 h 5 min" above. */
export function formatClock(seconds: number): string {
  const m = Math.floor(Math.max(0, seconds) / 60)
  const s = Math.max(0, Math.floor(seconds) % 60)
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m}:${String(s).padStart(2, '0')}`
}

export function SandboxClocks({
  idleSecondsLeft,
  labSecondsLeft,
}: {
  idleSecondsLeft: number
  labSecondsLeft: number
}) {
  // The sandbox goes at the sooner of the two; when the lab's limit comes first, idling is moot.
  const idleFirst = idleSecondsLeft < labSecondsLeft
  return (
    <>
      {idleFirst && (
        <span
          aria-live="off"
          data-testid="idle-clock"
          title="Typing in a terminal, saving a file or running a check restarts this clock."
        >
          Idle shutdown in {formatClock(idleSecondsLeft)}
        </span>
      )}
      <span aria-live="off" data-testid="lab-clock" title="The lab's time limit; Extend adds time.">
        Lab time left {formatClock(labSecondsLeft)}
      </span>
    </>
  )
}
