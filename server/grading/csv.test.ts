import { describe, expect, it } from 'vitest'
import { csvField, toCsv } from './csv'

describe('toCsv', () => {
  it('starts with a UTF-8 byte-order mark, ends lines with CRLF and quotes every text field', () => {
    const csv = toCsv(
      ['Name', 'Score'],
      [
        ['Zoë "Z" Müller', 87.5],
        ['Line\nbreak, comma', null],
      ],
    )
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(csv.slice(1)).toBe('"Name","Score"\r\n"Zoë ""Z"" Müller",87.5\r\n"Line\nbreak, comma",""\r\n')
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
  })

  it('defuses cells a spreadsheet would run as formulas', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      expect(csvField(evil)).toBe(`"'${evil.replace(/"/g, '""')}"`)
    }
    expect(csvField('Ada = Lovelace')).toBe('"Ada = Lovelace"')
    expect(csvField('a-b')).toBe('"a-b"')
  })

  it('writes numbers as numbers and non-finite numbers as empty', () => {
    expect(csvField(0)).toBe('0')
    expect(csvField(NaN)).toBe('""')
    expect(csvField(undefined)).toBe('""')
  })
})
