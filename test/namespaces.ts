// KV namespaces with faults the runtime cannot produce, handed to our code through its DisclaimerNamespace seam.
import type { DisclaimerNamespace } from '../src/disclaimer/read'

export function throwingNamespace(message = 'KV is unavailable'): DisclaimerNamespace & KVNamespace {
  return {
    get: async () => {
      throw new Error(message)
    },
  } as unknown as DisclaimerNamespace & KVNamespace
}

/** Answers from the real namespace, but only after `delayMs`. */
export function slowNamespace(kv: KVNamespace, delayMs: number): DisclaimerNamespace & KVNamespace {
  return {
    get: async (keys: string[], options: { type: 'text'; cacheTtl?: number }) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      return kv.get(keys, options)
    },
  } as unknown as DisclaimerNamespace & KVNamespace
}

/** The real namespace, counting the read operations made through it. */
export function countingNamespace(kv: KVNamespace) {
  const reads: string[][] = []
  const namespace = {
    get: (keys: string[], options: { type: 'text'; cacheTtl?: number }) => {
      reads.push(keys)
      return kv.get(keys, options)
    },
  } as unknown as DisclaimerNamespace & KVNamespace
  return { namespace, reads }
}
