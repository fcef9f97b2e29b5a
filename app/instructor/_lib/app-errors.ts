import 'server-only'
import { forbidden, notFound } from 'next/navigation'
import { AppError } from '@/server/errors'

/** Runs a server read for a page: a forbidden or missing resource becomes the 403 or 404 page. */
export async function orPageError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (e) {
    if (e instanceof AppError && e.code === 'forbidden') forbidden()
    if (e instanceof AppError && e.code === 'not-found') notFound()
    throw e
  }
}

export interface ActionState {
  error?: string
  message?: string
  /** A secret shown once (a new API token). */
  secret?: string
}

/** Runs a server action body; expected failures come back as a message for the form. */
export async function asActionState(work: () => Promise<ActionState | void>): Promise<ActionState> {
  try {
    return (await work()) ?? {}
  } catch (e) {
    if (e instanceof AppError) return { error: e.message }
    throw e
  }
}
