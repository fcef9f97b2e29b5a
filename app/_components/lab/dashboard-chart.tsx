'use client'
// One panel's line chart as plain SVG: time on x, values on y, a few round ticks, one line per
// series (gaps where Prometheus had no number). The legend below is real text with each series'
// latest value, so the numbers are readable without seeing the lines.
import { useEffect, useId, useRef, useState } from 'react'
import type { DashboardSeries } from '@/contracts/dashboard'
import {
  formatClock,
  formatValue,
  latestValue,
  legendNames,
  niceTicks,
  timeTicks,
} from './dashboard-chart-scale'
import styles from './lab-dashboard.module.css'

/** Drawn at the card's real width (measured), so the tick labels keep their size. */
const DEFAULT_WIDTH = 360
const HEIGHT = 170
const MARGIN = { top: 10, right: 14, bottom: 24, left: 52 }
/** Series colours come from the stylesheet (light/dark); past 10 series the lines are also dashed. */
const COLOURS = 10

export interface DashboardChartProps {
  title: string
  series: ReadonlyArray<DashboardSeries>
  range: { start: number; end: number; stepS: number }
}

export function DashboardChart({ title, series, range }: DashboardChartProps) {
  const id = useId()
  const figure = useRef<HTMLElement>(null)
  const [width, setWidth] = useState(DEFAULT_WIDTH)
  useEffect(() => {
    const element = figure.current
    if (!element) return
    const observer = new ResizeObserver(([entry]) => {
      const measured = Math.round(entry?.contentRect.width ?? 0)
      if (measured > 0) setWidth(measured)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v): v is number => v !== null)
  const low = Math.min(0, ...values)
  const high = values.length > 0 ? Math.max(...values) : 1
  const yTicks = niceTicks(low, high)
  const yMin = yTicks[0] ?? low
  const yMax = yTicks.at(-1) ?? high
  const xTicks = timeTicks(
    range.start,
    range.end,
    Math.max(2, Math.floor((width - MARGIN.left - MARGIN.right) / 70)),
  )
  const withSeconds = range.end - range.start < 5 * 60

  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const x = (t: number) => MARGIN.left + ((t - range.start) / Math.max(1, range.end - range.start)) * plotW
  const y = (v: number) => MARGIN.top + plotH - ((v - yMin) / (yMax - yMin || 1)) * plotH

  const names = legendNames(series)
  const latest = series.map(latestValue)
  const summary =
    values.length === 0
      ? 'No numbers to draw in this range.'
      : `${series.length} series from ${formatClock(range.start)} to ${formatClock(range.end)}, values between ${formatValue(Math.min(...values))} and ${formatValue(Math.max(...values))}. Latest: ${series
          .map((_, i) => `${names[i] ?? ''} ${formatValue(latest[i] ?? null)}`)
          .join('; ')}.`

  return (
    <figure className={styles.figure} ref={figure}>
      <svg
        className={styles.chart}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        data-testid="dashboard-chart"
      >
        <title id={`${id}-title`}>{`Line chart: ${title}`}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <g className={styles.grid} aria-hidden="true">
          {yTicks.map((v) => (
            <g key={`y${v}`}>
              <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(v)} y2={y(v)} />
              <text x={MARGIN.left - 6} y={y(v)} textAnchor="end" dominantBaseline="middle">
                {formatValue(v)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={`x${t}`}>
              <line x1={x(t)} x2={x(t)} y1={MARGIN.top + plotH} y2={MARGIN.top + plotH + 4} />
              <text x={x(t)} y={HEIGHT - 6} textAnchor="middle">
                {formatClock(t, withSeconds)}
              </text>
            </g>
          ))}
          <line
            className={styles.axis}
            x1={MARGIN.left}
            x2={width - MARGIN.right}
            y1={MARGIN.top + plotH}
            y2={MARGIN.top + plotH}
          />
        </g>
        <g aria-hidden="true">
          {series.map((s, i) => (
            <path
              key={names[i] ?? i}
              d={linePath(s.points, x, y)}
              className={styles.line}
              style={{ stroke: `var(--series-${i % COLOURS})` }}
              strokeDasharray={i >= COLOURS ? '6 3' : undefined}
            />
          ))}
        </g>
      </svg>
      <figcaption>
        <ul className={styles.legend} aria-label={`Series of ${title}, latest values`}>
          {series.map((s, i) => (
            <li key={names[i] ?? i}>
              <span
                className={styles.swatch}
                style={{ background: `var(--series-${i % COLOURS})` }}
                data-dashed={i >= COLOURS ? 'true' : undefined}
                aria-hidden="true"
              />
              <span className={styles.legendName} title={names[i]}>
                {names[i]}
              </span>
              <span className={styles.legendValue}>{formatValue(latest[i] ?? null)}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  )
}

/** "M x y L x y …", starting a new segment after every gap; a lone point becomes a dot-sized line. */
function linePath(
  points: DashboardSeries['points'],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = ''
  let open = false
  points.forEach(([t, v], i) => {
    if (v === null) {
      open = false
      return
    }
    const px = x(t).toFixed(1)
    const py = y(v).toFixed(1)
    const isolated = !open && (points[i + 1]?.[1] ?? null) === null
    d += open ? ` L${px} ${py}` : `${d === '' ? '' : ' '}M${px} ${py}${isolated ? ` l0.1 0` : ''}`
    open = true
  })
  return d
}
