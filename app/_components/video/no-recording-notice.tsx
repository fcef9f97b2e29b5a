/** Shown instead of a player when the operator has not dropped a recording for the lesson. */
export function NoRecordingNotice() {
  return (
    <p className="alert info" role="note" data-testid="no-recording">
      No recording yet — this lesson&apos;s notes cover everything in the video.
    </p>
  )
}
