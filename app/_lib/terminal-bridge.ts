'use client'

// Lets "Run in lab terminal" buttons on any page send a command to the lab terminal that is
// open on the same page, without the two components knowing about each other.
type Sink = (command: string) => void

let sink: Sink | null = null
const listeners = new Set<() => void>()

export function registerTerminalSink(next: Sink): () => void {
  sink = next
  listeners.forEach((l) => l())
  return () => {
    if (sink === next) sink = null
    listeners.forEach((l) => l())
  }
}

export function subscribeTerminal(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function hasTerminal(): boolean {
  return sink !== null
}

export function runInTerminal(command: string): boolean {
  if (!sink) return false
  sink(command)
  return true
}
