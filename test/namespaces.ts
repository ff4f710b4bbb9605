// KV namespaces with faults the runtime cannot produce, handed to our code through its DisclaimerNamespace seam.
import type { DisclaimerNamespace } from '../src/site/reader.ts'

type Read = DisclaimerNamespace['getWithMetadata']

export function throwingNamespace(message = 'KV is unavailable'): DisclaimerNamespace & KVNamespace {
  return {
    getWithMetadata: async () => {
      throw new Error(message)
    },
  } as unknown as DisclaimerNamespace & KVNamespace
}

/** Answers from the real namespace, but only after `delayMs`. */
export function slowNamespace(kv: KVNamespace, delayMs: number): DisclaimerNamespace & KVNamespace {
  const read: Read = async (keys, options) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs))
    return kv.getWithMetadata(keys, options)
  }
  return { getWithMetadata: read } as unknown as DisclaimerNamespace & KVNamespace
}

/** The real namespace (or another seam), counting the reads made through it and able to start failing. */
export function countingNamespace(kv: KVNamespace | DisclaimerNamespace) {
  const reads: string[][] = []
  const state = { failing: false }
  const namespace = {
    getWithMetadata: (async (keys, options) => {
      reads.push(keys)
      if (state.failing) throw new Error('KV is unavailable (injected)')
      return (kv as DisclaimerNamespace).getWithMetadata(keys, options)
    }) as Read,
  } as unknown as DisclaimerNamespace & KVNamespace
  return { namespace, reads, state }
}
