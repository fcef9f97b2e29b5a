// Pure helpers for the dashboard's SVG charts: round axis ticks, clock labels, compact numbers
// and legend names. No DOM, so they are unit-tested on their own.
import type { DashboardSeries } from '@/contracts/dashboard'

/** About `count` round tick values covering [min, max] (1, 2, 2.5 or 5 × a power of ten apart). */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1
    return niceTicks(min - pad, max + pad, count)
  }
  const rough = (max - min) / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power
  const first = Math.floor(min / step) * step
  const ticks: number[] = []
  for (let v = first; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

const TIME_STEPS_S = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400]

/** Clock-aligned tick times (unix seconds) inside [start, end], at most `maxTicks` of them. */
export function timeTicks(start: number, end: number, maxTicks = 6): number[] {
  const span = Math.max(1, end - start)
  const step =
    TIME_STEPS_S.find((s) => span / s <= maxTicks) ?? TIME_STEPS_S[TIME_STEPS_S.length - 1] ?? 86_400
  const ticks: number[] = []
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t)
  return ticks
}

/** "14:05" in the viewer's time zone; with seconds when ticks are closer than a minute. */
export function formatClock(unixS: number, withSeconds = false): string {
  return new Date(unixS * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hour12: false,
  })
}

/** A value as a person reads it on a chart: 3 significant digits, k/M/G for big ones. */
export function formatValue(value: number | null): string {
  if (value === null) return '–'
  const abs = Math.abs(value)
  if (abs === 0) return '0'
  for (const [limit, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (abs >= limit) return `${trim(value / limit)}${suffix}`
  }
  if (abs < 0.001) return value.toExponential(1)
  return trim(value)
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)))
}

/** The last non-gap value of a series, or null. */
export function latestValue(series: DashboardSeries): number | null {
  for (let i = series.points.length - 1; i >= 0; i--) {
    const value = series.points[i]?.[1]
    if (value !== undefined && value !== null) return value
  }
  return null
}

/**
 * Legend names that tell a panel's series apart: only the labels whose values differ between
 * them (`endpoint="/v1/chat"`), or all labels of a lone series; `__name__` only when it differs.
 */
export function legendNames(series: ReadonlyArray<DashboardSeries>): string[] {
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.labels)))].sort()
  const varying = keys.filter((k) => new Set(series.map((s) => s.labels[k] ?? '')).size > 1)
  const shown = series.length > 1 ? varying : keys.filter((k) => k !== '__name__')
  return series.map((s) => {
    const parts = shown.filter((k) => s.labels[k] !== undefined).map((k) => `${k}="${s.labels[k] ?? ''}"`)
    if (parts.length > 0) return `{${parts.join(', ')}}`
    return s.labels.__name__ ?? 'value'
  })
}
