import 'server-only'
// Turns a runner failure into the web app's AppError, with a message for the learner.
import type { RunnerErrorCode } from '@/contracts/runner-api'
import { AppError } from '@/server/errors'
import { markSessionExpired } from './lab-session'

export const ENGINE_UNAVAILABLE_MESSAGE =
  'The lab engine is unavailable right now. Your progress is saved; try again in a few minutes or tell your instructor.'
export const SANDBOX_EXPIRED_MESSAGE =
  'Your lab sandbox has expired (its time ran out or it sat idle). Your passed steps are kept: start a fresh sandbox to continue.'

export async function runnerFailure(
  failure: { code: RunnerErrorCode; message: string },
  sessionId?: string,
): Promise<AppError> {
  switch (failure.code) {
    case 'engine-unavailable':
      return new AppError('unavailable', ENGINE_UNAVAILABLE_MESSAGE)
    case 'isolation-unavailable':
      // The runner refuses to start sandboxes it cannot isolate; an operator has to act.
      return new AppError(
        'unavailable',
        'Labs cannot start right now: the lab engine cannot isolate sandboxes on this host. Your progress is saved; tell your instructor or administrator.',
      )
    case 'not-found':
      // The runner reaped the sandbox: the session is over, the learner starts afresh.
      if (sessionId) await markSessionExpired(sessionId)
      return new AppError('conflict', SANDBOX_EXPIRED_MESSAGE)
    case 'not-ready':
      return new AppError(
        'conflict',
        'The sandbox is still starting. Wait until every service is up, then try again.',
      )
    case 'extension-limit':
      return new AppError('conflict', 'This sandbox has used all its extensions.')
    case 'unknown-lab':
      return new AppError(
        'not-found',
        'The lab engine does not know this lab (its definition failed to load).',
      )
    case 'path-invalid':
    case 'path-not-editable':
    case 'host-not-allowed':
    case 'permission-denied':
      return new AppError('forbidden', failure.message)
    case 'not-a-file':
    case 'too-large':
    case 'not-text':
    case 'changed-during-write':
    case 'invalid-request':
      return new AppError('invalid', failure.message)
    case 'unauthorized':
    case 'method-not-allowed':
    case 'internal':
    case 'host-unknown':
    case 'no-dashboard':
    case 'exec-failed':
    case 'invalid-state':
    case 'no-network':
    case 'engine-error':
    case 'not-a-service-tab':
    case 'ticket-invalid':
    case 'origin-not-allowed':
      return new AppError('unavailable', `The lab engine could not do that: ${failure.message}`)
    default: {
      // A code this build does not know (a newer runner): the learner still gets the runner's words.
      const _unlisted: never = failure.code
      return new AppError('unavailable', `The lab engine could not do that: ${failure.message}`)
    }
  }
}
