import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestSandbox,
  dockerExec,
  ensureTestImage,
  type TestSandbox,
} from '../terminal/test-support/test-sandbox'
import { checkPathSyntax } from '../../../contracts/editable-paths'
import { listEditableFiles, readSandboxFile, writeSandboxFile } from './sandbox-files'

let sandbox: TestSandbox
let containerId: string
const editableFiles = [
  { host: 'workstation', path: '/etc/helix/agent.yaml' },
  { host: 'workstation', path: '/home/learner/notes/' },
  { host: 'workstation', path: '/etc/helix/missing.yaml' },
]

beforeAll(async () => {
  ensureTestImage()
  sandbox = await createTestSandbox(['workstation'])
  containerId = sandbox.hosts.workstation!.containerId
  dockerExec(
    containerId,
    [
      'mkdir -p /etc/helix /home/learner/notes',
      'printf "port: 8080\\n" > /etc/helix/agent.yaml',
      'chown learner:learner /etc/helix/agent.yaml && chmod 640 /etc/helix/agent.yaml',
      'printf "todo\\n" > /home/learner/notes/todo.md && chown -R learner:learner /home/learner/notes',
      'ln -s /etc/shadow /home/learner/notes/shadow-link',
      'ln -s /etc/helix/agent.yaml /home/learner/notes/agent-link',
      'head -c 600000 /dev/zero | tr "\\0" a > /home/learner/notes/big.txt',
      'printf "\\377\\376bin" > /home/learner/notes/latin1.txt',
    ].join(' && '),
  )
})
afterAll(async () => {
  await sandbox?.remove()
})

const target = (path: string) => ({
  docker: sandbox.docker,
  sandbox,
  host: 'workstation',
  path,
  editableFiles,
})

describe('editor files', () => {
  it('reads a file with its owner and mode', async () => {
    const result = await readSandboxFile(target('/etc/helix/agent.yaml'))
    expect(result).toMatchObject({
      status: 'ok',
      content: 'port: 8080\n',
      size: 11,
      mode: '640',
      owner: 'learner:learner',
    })
  })

  it('round-trips a save and keeps owner and mode', async () => {
    const content = 'port: 9090\n# ünïcode ✓\n'
    const saved = await writeSandboxFile({ ...target('/etc/helix/agent.yaml'), content })
    expect(saved).toMatchObject({ status: 'ok', size: Buffer.byteLength(content) })
    const read = await readSandboxFile(target('/etc/helix/agent.yaml'))
    expect(read).toMatchObject({ status: 'ok', content, mode: '640', owner: 'learner:learner' })
    expect(dockerExec(containerId, 'ls -A /etc/helix')).not.toContain('.helix-edit')
  })

  it('creates a new file inside an allowed directory, owned like the directory', async () => {
    const saved = await writeSandboxFile({ ...target('/home/learner/notes/new.md'), content: '# new\n' })
    expect(saved.status).toBe('ok')
    expect(dockerExec(containerId, 'stat -c "%U %a" /home/learner/notes/new.md').trim()).toBe('learner 644')
  })

  it('refuses paths outside the editable set, relative paths and dot segments', async () => {
    for (const path of [
      '../../etc/shadow',
      '/home/learner/notes/../../../etc/shadow',
      '/etc/shadow',
      '/home/learner/notes/./todo.md',
      '/etc/helix//agent.yaml',
      '/etc/helix/agent.yaml\0x',
    ]) {
      const result = await readSandboxFile(target(path))
      expect(result.status, path).toBe('refused')
    }
    const relative = await readSandboxFile(target('../../etc/shadow'))
    expect(relative).toMatchObject({
      code: 'path-invalid',
      message: expect.stringContaining('must be absolute'),
    })
    expect(await readSandboxFile(target('/etc/shadow'))).toMatchObject({ code: 'path-not-editable' })
    const write = await writeSandboxFile({
      ...target('/home/learner/notes/../../../etc/shadow'),
      content: 'x',
    })
    expect(write).toMatchObject({ status: 'refused', code: 'path-invalid' })
  })

  it('refuses symlinks that lead out of the editable set, for reading and writing', async () => {
    const read = await readSandboxFile(target('/home/learner/notes/shadow-link'))
    expect(read).toMatchObject({
      status: 'refused',
      code: 'path-not-editable',
      message: expect.stringContaining('/etc/shadow'),
    })
    const write = await writeSandboxFile({
      ...target('/home/learner/notes/shadow-link'),
      content: 'root::0:0:::::\n',
    })
    expect(write).toMatchObject({ status: 'refused', code: 'path-not-editable' })
    expect(dockerExec(containerId, 'head -c 5 /etc/shadow')).toBe('root:')
    // A link to another editable file is fine.
    expect(await readSandboxFile(target('/home/learner/notes/agent-link'))).toMatchObject({
      status: 'ok',
      resolvedPath: '/etc/helix/agent.yaml',
    })
  })

  it('refuses oversized and non-UTF-8 files with clear errors', async () => {
    expect(await readSandboxFile(target('/home/learner/notes/big.txt'))).toMatchObject({
      status: 'refused',
      code: 'too-large',
      message: expect.stringContaining('600000 bytes'),
    })
    const tooBig = await writeSandboxFile({
      ...target('/home/learner/notes/todo.md'),
      content: 'x'.repeat(600_000),
    })
    expect(tooBig).toMatchObject({ status: 'refused', code: 'too-large' })
    expect(await readSandboxFile(target('/home/learner/notes/latin1.txt'))).toMatchObject({
      status: 'refused',
      code: 'not-text',
    })
    expect(await readSandboxFile(target('/etc/helix/missing.yaml'))).toMatchObject({
      status: 'refused',
      code: 'not-found',
    })
    expect(await readSandboxFile({ ...target('/etc/helix/agent.yaml'), host: 'db' })).toMatchObject({
      status: 'refused',
      code: 'host-unknown',
    })
  })

  it('lists editable files, expanding directories and skipping escaping links', async () => {
    const result = await listEditableFiles({
      docker: sandbox.docker,
      sandbox,
      host: 'workstation',
      editableFiles,
    })
    expect(result.status).toBe('ok')
    const files = result.status === 'ok' ? result.files : []
    const paths = files.map((f) => f.path)
    expect(paths).toContain('/etc/helix/agent.yaml')
    expect(paths).toContain('/home/learner/notes/todo.md')
    expect(paths).not.toContain('/home/learner/notes/big.txt')
    expect(files.find((f) => f.path === '/etc/helix/missing.yaml')?.size).toBeNull()
  })
})

describe('checkPathSyntax', () => {
  it('accepts clean absolute paths only', () => {
    expect(checkPathSyntax('/etc/haproxy/haproxy.cfg').ok).toBe(true)
    for (const bad of ['', 'etc/x', '/etc/../x', '/etc/./x', '/etc//x', '/etc/x/', '/etc/\nx'])
      expect(checkPathSyntax(bad).ok, bad).toBe(false)
  })
})
