// CSV that opens cleanly in Excel, LibreOffice and Google Sheets: UTF-8 with a byte-order mark
// (so Excel reads accents right), CRLF line ends, every field quoted, and cells that a
// spreadsheet would run as a formula (= + - @, and tab/CR that some apps treat the same way)
// prefixed with an apostrophe. Numbers are written as numbers, so they stay sortable.

export type CsvValue = string | number | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '""'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '""'
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return `"${safe.replace(/"/g, '""')}"`
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header.map(csvField).join(','), ...rows.map((row) => row.map(csvField).join(','))]
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
