'use client'

import { useEffect, useRef } from 'react'
import { markLessonReadAction } from '@/app/_actions/lesson-progress'

/** Marks the lesson read once its end scrolls into view. */
export function ReadSentinel({ lessonKey, alreadyRead }: { lessonKey: string; alreadyRead: boolean }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (alreadyRead || !ref.current) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect()
        void markLessonReadAction(lessonKey)
      }
    })
    observer.observe(ref.current)
    return () => observer.disconnect()
  }, [lessonKey, alreadyRead])
  return <div ref={ref} aria-hidden="true" />
}
