'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useRef } from 'react'
import { markLessonReadAction } from '@/app/_actions/lesson-progress'

/**
 * Tells the server once the end of the notes scrolls into view. The server measures the time
 * on the page itself; when the end was reached sooner than the lesson's reading time, it says
 * how long is left and the sentinel asks again then (only while the page stays open).
 */
export function ReadSentinel({ lessonKey, alreadyRead }: { lessonKey: string; alreadyRead: boolean }) {
  const ref = useRef<HTMLDivElement>(null)
  const router = useRouter()
  useEffect(() => {
    if (alreadyRead || !ref.current) return
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const report = async () => {
      const result = await markLessonReadAction(lessonKey).catch(() => null)
      if (stopped || !result) return
      if (result.status === 'too-soon') timer = setTimeout(() => void report(), result.retryInSeconds * 1000)
      else router.refresh()
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect()
        void report()
      }
    })
    observer.observe(ref.current)
    return () => {
      stopped = true
      observer.disconnect()
      if (timer) clearTimeout(timer)
    }
  }, [lessonKey, alreadyRead, router])
  return <div ref={ref} aria-hidden="true" />
}
