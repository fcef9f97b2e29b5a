'use client'
// The lab's editable files in Monaco, loaded from the LOCAL monaco-editor package (never a
// CDN: self-hosted installs may have no internet). Saves go through the web app, which only
// accepts the lab's editable files in the learner's own sandbox.
import Editor, { loader } from '@monaco-editor/react'
import * as monaco from 'monaco-editor/editor/editor.api'
import 'monaco-editor/languages/definitions/yaml/register'
import 'monaco-editor/languages/definitions/ini/register'
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { labApi } from './lab-api'
import styles from './lab.module.css'

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker }
  }
}

// yaml, ini and plaintext need only the base editor worker.
self.MonacoEnvironment = {
  getWorker: () =>
    new Worker(new URL('monaco-editor/editor/editor.worker', import.meta.url), { type: 'module' }),
}
loader.config({ monaco })

interface EditableFile {
  host: string
  path: string
  language: string
  size: number | null
}

const key = (f: { host: string; path: string }) => `${f.host}:${f.path}`

function subscribeTheme(listener: () => void) {
  const media = window.matchMedia('(prefers-color-scheme: dark)')
  const observer = new MutationObserver(listener)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
  media.addEventListener('change', listener)
  return () => {
    observer.disconnect()
    media.removeEventListener('change', listener)
  }
}
function isDark(): boolean {
  const chosen = document.documentElement.dataset.theme
  return chosen ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches
}

export default function LabEditor({ labSlug }: { labSlug: string }) {
  const [files, setFiles] = useState<EditableFile[] | null>(null)
  const [selected, setSelected] = useState<string>('')
  const [content, setContent] = useState<string>('')
  const [saved, setSaved] = useState<string>('')
  /**
   * The text the editor starts from, with a counter bumped on every load. The editor owns its
   * text while the learner types (feeding React state back as `value` drops keystrokes when a
   * render lags behind typing); a new load remounts it with the fresh text.
   */
  const [initial, setInitial] = useState<{ generation: number; text: string }>({ generation: 0, text: '' })
  const [status, setStatus] = useState<{ kind: 'info' | 'error'; text: string } | null>(null)
  const [saving, setSaving] = useState(false)
  /** The file whose content is in the editor; loading while it differs from `selected`. */
  const [loadedFor, setLoadedFor] = useState<string>('')
  const dark = useSyncExternalStore(subscribeTheme, isDark, () => false)
  const dirty = content !== saved
  const busy = saving || loadedFor !== selected
  const current = files?.find((f) => key(f) === selected)
  const saveRef = useRef<() => void>(() => {})

  useEffect(() => {
    let cancelled = false
    labApi<{ files: EditableFile[] }>(labSlug, 'files')
      .then(({ files: list }) => {
        if (cancelled) return
        setFiles(list)
        if (list[0]) setSelected(key(list[0]))
      })
      .catch((error: unknown) => !cancelled && setStatus({ kind: 'error', text: (error as Error).message }))
    return () => {
      cancelled = true
    }
  }, [labSlug])

  useEffect(() => {
    if (!current) return
    let cancelled = false
    const query = new URLSearchParams({ host: current.host, path: current.path }).toString()
    labApi<{ content: string }>(labSlug, `files?${query}`)
      .then((file) => {
        if (cancelled) return
        setContent(file.content)
        setSaved(file.content)
        setInitial((previous) => ({ generation: previous.generation + 1, text: file.content }))
        setLoadedFor(selected)
        setStatus(null)
      })
      .catch((error: unknown) => !cancelled && setStatus({ kind: 'error', text: (error as Error).message }))
    return () => {
      cancelled = true
    }
    // Reload only when another file is picked.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labSlug, selected])

  // Leaving the page with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault()
      event.returnValue = ''
    }
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])

  const save = useCallback(async () => {
    if (!current || busy) return
    setSaving(true)
    const text = content
    try {
      await labApi(labSlug, 'files', {
        method: 'PUT',
        body: { host: current.host, path: current.path, content: text },
      })
      setSaved(text)
      setStatus({ kind: 'info', text: `Saved ${current.path} on ${current.host}.` })
    } catch (error) {
      setStatus({ kind: 'error', text: (error as Error).message })
    } finally {
      setSaving(false)
    }
  }, [busy, content, current, labSlug])
  useEffect(() => {
    saveRef.current = () => void save()
  }, [save])

  function pick(next: string) {
    if (dirty && !window.confirm('You have unsaved changes. Discard them?')) return
    setSelected(next)
  }

  if (files === null) return <p className="muted">{status?.text ?? 'Loading the editable files…'}</p>
  if (files.length === 0) return <p className="muted">This lab has no files to edit in the browser.</p>

  return (
    <div className={styles.editor}>
      <div className={styles.editorBar}>
        <label className={styles.filePicker}>
          <span>File</span>
          <select value={selected} onChange={(e) => pick(e.target.value)}>
            {files.map((f) => (
              <option key={key(f)} value={key(f)}>
                {f.host}:{f.path}
              </option>
            ))}
          </select>
        </label>
        {dirty && (
          <span className={styles.unsaved} title="Unsaved changes">
            ● unsaved
          </span>
        )}
        <button
          type="button"
          className="button small primary"
          onClick={() => void save()}
          disabled={!dirty || busy}
        >
          Save
        </button>
        {status && (
          <span
            role={status.kind === 'error' ? 'alert' : 'status'}
            className={status.kind === 'error' ? styles.errorText : 'muted'}
          >
            {status.text}
          </span>
        )}
      </div>
      <div className={styles.editorBody} data-testid="lab-editor">
        <Editor
          key={`${selected}#${initial.generation}`}
          defaultValue={initial.text}
          language={current?.language ?? 'plaintext'}
          theme={dark ? 'vs-dark' : 'vs'}
          onChange={(value) => setContent(value ?? '')}
          onMount={(editor) => {
            editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current())
          }}
          options={{
            minimap: { enabled: false },
            fontSize: 14,
            scrollBeyondLastLine: false,
            automaticLayout: true,
          }}
          loading={<p className="muted">Loading the editor…</p>}
        />
      </div>
    </div>
  )
}
