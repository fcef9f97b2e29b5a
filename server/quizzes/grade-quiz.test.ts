import { describe, expect, it } from 'vitest'
import { scoreOf } from './grade-quiz'

describe('scoreOf', () => {
  it('passes exactly at passPercent and fails just below it', () => {
    // 7 of 10 is exactly 70%; 69/100 is not, even though it rounds to 69.
    expect(scoreOf(7, 10, 70).passed).toBe(true)
    expect(scoreOf(69, 100, 70).passed).toBe(false)
    // 2 of 3 is 66.67%: rounds to 67 for display and does not pass 67 (the real fraction is lower).
    expect(scoreOf(2, 3, 67)).toEqual({ correct: 2, total: 3, percent: 67, passed: false })
    expect(scoreOf(0, 0, 0).passed).toBe(false)
  })

  it('needs 5 of 6 drawn questions at the 70% pass mark', () => {
    expect(scoreOf(5, 6, 70).passed).toBe(true)
    expect(scoreOf(4, 6, 70).passed).toBe(false)
  })
})
