// "Download as Markdown": the report in the course template's format, as a file.
import {
  incidentFileName,
  renderIncidentMarkdown,
  type IncidentReportFields,
} from '@/contracts/incident-report-model'

export function downloadIncidentMarkdown(fields: IncidentReportFields): void {
  const blob = new Blob([renderIncidentMarkdown(fields)], { type: 'text/markdown;charset=utf-8' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = incidentFileName(fields.incidentId)
  document.body.append(link)
  link.click()
  link.remove()
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
