// RFC 6962 §2.1 written out as its definitions read (MTH, PATH, PROOF/SUBPROOF, recursive over the entry list), as
// the reference the log's code is tested against. It shares nothing with src/core/log but SHA-256.
import { sha256 } from '@noble/hashes/sha2.js'

export class Rfc6962 {
  readonly #memo = new Map<string, Uint8Array>()

  readonly entries: readonly Uint8Array[]

  constructor(entries: readonly Uint8Array[]) {
    this.entries = entries
  }

  static ofCount(count: number): Rfc6962 {
    return new Rfc6962(Array.from({ length: count }, (_, i) => new TextEncoder().encode(`entry ${i}`)))
  }

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Uint8Array {
    const key = `${lo}:${hi}`
    const known = this.#memo.get(key)
    if (known) return known
    const n = hi - lo
    let hash: Uint8Array
    if (n === 0) hash = sha256(new Uint8Array([]))
    else if (n === 1) hash = sha256(Uint8Array.from([0, ...(this.entries[lo] as Uint8Array)]))
    else {
      const k = largestPowerOfTwoBelow(n)
      hash = sha256(Uint8Array.from([1, ...this.mth(lo, lo + k), ...this.mth(lo + k, hi)]))
    }
    this.#memo.set(key, hash)
    return hash
  }

  /** PATH(m, D[n]): the audit path of leaf m in the first n entries. */
  path(m: number, n: number): Uint8Array[] {
    return this.#path(m, 0, n)
  }

  #path(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo
    if (n === 1) return []
    const k = largestPowerOfTwoBelow(n)
    if (m < k) return [...this.#path(m, lo, lo + k), this.mth(lo + k, hi)]
    return [...this.#path(m - k, lo + k, hi), this.mth(lo, lo + k)]
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  proof(m: number, n: number): Uint8Array[] {
    return this.#subproof(m, 0, n, true)
  }

  #subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo
    if (m === n) return b ? [] : [this.mth(lo, hi)]
    const k = largestPowerOfTwoBelow(n)
    if (m <= k) return [...this.#subproof(m, lo, lo + k, b), this.mth(lo + k, hi)]
    return [...this.#subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)]
  }
}

function largestPowerOfTwoBelow(n: number): number {
  return 2 ** Math.floor(Math.log2(n - 1))
}

// A point in [0, n) that moves about as n grows (the fractional part of n times an irrational).
function spread(n: number, irrational: number): number {
  return Math.floor(((n * irrational) % 1) * n)
}

/** Leaf indices worth testing in a tree of n: both ends, their neighbours, the middle, and two spread about. */
export function sampleIndices(n: number): number[] {
  const picks = [0, 1, Math.floor(n / 2), n - 2, n - 1, spread(n, Math.SQRT2), spread(n, (1 + Math.sqrt(5)) / 2)]
  return [...new Set(picks.filter((i) => i >= 0 && i < n))].sort((a, b) => a - b)
}

/** Old sizes worth testing against a tree of n: small ones, the middle, n - 1, n, a power of two, one spread about. */
export function sampleOldSizes(n: number): number[] {
  const picks = [1, 2, 3, Math.floor(n / 2), n - 1, n, spread(n, Math.SQRT2) + 1, 2 ** Math.floor(Math.log2(n))]
  return [...new Set(picks.filter((m) => m >= 1 && m <= n))].sort((a, b) => a - b)
}
