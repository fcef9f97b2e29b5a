import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { isSafeKey, localDiskStorage } from './storage'

describe('local disk media storage', () => {
  it('writes, reads ranges, lists, imports a folder whole and removes by prefix', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'media-storage-'))
    const storage = localDiskStorage(root)
    await storage.writeText('generated/lesson-a/chapters.json', '[]')
    expect(await storage.readText('generated/lesson-a/chapters.json')).toBe('[]')
    expect(await readFile(path.join(root, 'generated/lesson-a/chapters.json'), 'utf8')).toBe('[]')

    const work = path.join(root, '.work', 'job')
    await mkdir(path.join(work, 'hls'), { recursive: true })
    await writeFile(path.join(work, 'hls/master.m3u8'), '#EXTM3U\n')
    await writeFile(path.join(work, 'download.mp4'), '0123456789')
    await storage.importDir(work, 'recordings/lesson-a/v1')
    expect(await storage.list('recordings/lesson-a')).toEqual([
      'recordings/lesson-a/v1/download.mp4',
      'recordings/lesson-a/v1/hls/master.m3u8',
    ])
    expect(await storage.stat('recordings/lesson-a/v1/download.mp4')).toMatchObject({ size: 10 })
    expect(await text(storage.read('recordings/lesson-a/v1/download.mp4', { start: 2, end: 4 }))).toBe('234')

    await storage.removePrefix('recordings/lesson-a')
    expect(await storage.list('recordings/lesson-a')).toEqual([])
    expect(await storage.stat('recordings/lesson-a/v1/download.mp4')).toBeNull()
  })

  it('refuses keys that could leave the media folder', async () => {
    const storage = localDiskStorage(await mkdtemp(path.join(tmpdir(), 'media-storage-')))
    for (const key of ['../secret', 'a/../../b', '/etc/passwd', 'a//b', 'a\\b', '.hidden', '']) {
      expect(isSafeKey(key), key).toBe(false)
      expect(await storage.stat(key)).toBeNull()
    }
    await expect(storage.writeText('../x', 'no')).rejects.toThrow(/Not a media storage key/)
  })
})
