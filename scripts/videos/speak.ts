// Offline text-to-speech for the generated lesson videos. The best voice found in the package
// registries is Festival with the CMU SLT HTS voice (Debian `festival` + `festvox-us-slt-hts`);
// Debian's `espeak-ng` is the fallback (docs/decisions/036-generated-lesson-videos.md).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Voice {
  /** Recorded in each manifest and hashed into the cache key: a new voice re-renders. */
  id: string
  /** Writes one WAV file per sentence, in order. */
  synthesize(sentences: string[], files: string[]): Promise<void>
}

const FESTIVAL_VOICE_DIR = '/usr/share/festival/voices/us/cmu_us_slt_arctic_hts'

async function onPath(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`])
    return true
  } catch {
    return false
  }
}

/** Written words as a speech engine should read them (captions keep the written form). */
export function speakable(sentence: string): string {
  return sentence
    .replace(/\be\.g\./g, 'for example')
    .replace(/\bi\.e\./g, 'that is')
    .replace(/\bvs\./g, 'versus')
    .replace(/\betc\./g, 'et cetera')
    .replace(/(\d)\s*[–-]\s*(\d)/g, '$1 to $2')
    .replace(/\s+\/\s+/g, ' or ')
    .replace(/\bHA\b/g, 'H A')
    .replace(/[→⇒]/g, ' to ')
    .replace(/[—–]/g, ', ')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function schemeString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

const festival: Voice = {
  id: 'festival/cmu_us_slt_arctic_hts',
  async synthesize(sentences, files) {
    // One Festival process per lesson: loading the voice costs most of a second.
    const script = [
      '(voice_cmu_us_slt_arctic_hts)',
      ...sentences.map(
        (s, i) =>
          `(utt.save.wave (utt.synth (Utterance Text ${schemeString(speakable(s))})) ${schemeString(files[i]!)} 'riff)`,
      ),
    ].join('\n')
    const scriptFile = `${files[0]}.scm`
    await writeFile(scriptFile, script)
    await run('festival', ['--batch', scriptFile], { maxBuffer: 16 * 1024 * 1024 })
  },
}

const espeak: Voice = {
  id: 'espeak-ng/en-us',
  async synthesize(sentences, files) {
    for (const [i, s] of sentences.entries()) {
      await run('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', files[i]!, speakable(s)])
    }
  },
}

export class NoVoiceError extends Error {}

/** The best installed voice; a clear error naming the packages when there is none. */
export async function pickVoice(): Promise<Voice> {
  if (existsSync(FESTIVAL_VOICE_DIR) && (await onPath('festival'))) return festival
  if (await onPath('espeak-ng')) return espeak
  throw new NoVoiceError(
    "No text-to-speech engine found: install Debian's festival and festvox-us-slt-hts (best) or espeak-ng, e.g. `apt-get install festival festvox-us-slt-hts espeak-ng`.",
  )
}

export interface Pcm {
  sampleRate: number
  channels: number
  bitsPerSample: number
  data: Buffer
}

/** The PCM samples of a RIFF/WAVE file (any chunk order; a streamed size field is tolerated). */
export async function readWav(file: string): Promise<Pcm> {
  const bytes = await readFile(file)
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path.basename(file)} is not a WAVE file`)
  }
  let offset = 12
  let format: Omit<Pcm, 'data'> | undefined
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    const body = offset + 8
    if (id === 'fmt ') {
      if (bytes.readUInt16LE(body) !== 1) throw new Error(`${path.basename(file)} is not 16-bit PCM`)
      format = {
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        bitsPerSample: bytes.readUInt16LE(body + 14),
      }
    } else if (id === 'data') {
      if (!format) throw new Error(`${path.basename(file)} has no format before its samples`)
      return { ...format, data: bytes.subarray(body, Math.min(bytes.length, body + size)) }
    }
    offset = body + size + (size % 2)
  }
  throw new Error(`${path.basename(file)} has no samples`)
}

export function pcmSeconds(pcm: Pcm): number {
  return pcm.data.length / ((pcm.sampleRate * pcm.channels * pcm.bitsPerSample) / 8)
}

export function silence(like: Omit<Pcm, 'data'>, seconds: number): Buffer {
  const frame = (like.channels * like.bitsPerSample) / 8
  return Buffer.alloc(Math.round(seconds * like.sampleRate) * frame)
}

export async function writeWav(file: string, format: Omit<Pcm, 'data'>, parts: Buffer[]): Promise<void> {
  const data = Buffer.concat(parts)
  const header = Buffer.alloc(44)
  const blockAlign = (format.channels * format.bitsPerSample) / 8
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(format.channels, 22)
  header.writeUInt32LE(format.sampleRate, 24)
  header.writeUInt32LE(format.sampleRate * blockAlign, 28)
  header.writeUInt16LE(blockAlign, 32)
  header.writeUInt16LE(format.bitsPerSample, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(data.length, 40)
  await writeFile(file, Buffer.concat([header, data]))
}
