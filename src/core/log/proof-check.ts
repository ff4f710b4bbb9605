// Checks inclusion and consistency proofs as RFC 9162 §2.1.3.2 and §2.1.4.2 say, with no knowledge of how they
// were made; a failure says which number or hash did not hold.
import { equalBytes, isCount, toBase64 } from './encoding.ts'
import { HASH_SIZE, nodeHash } from './merkle.ts'

export type ProofVerdict = { ok: true } | { ok: false; problem: string }

export interface InclusionClaim {
  /** The leaf's index, from 0. */
  index: number
  size: number
  leafHash: Uint8Array
  proof: readonly Uint8Array[]
  root: Uint8Array
}

/** Whether `proof` shows the leaf with `leafHash` at `index` in the tree of `size` leaves whose root is `root`. */
export function verifyInclusion({ index, size, leafHash, proof, root }: InclusionClaim): ProofVerdict {
  const shape = badShape([leafHash, root, ...proof])
  if (shape) return shape
  if (!isCount(index) || !isCount(size) || index >= size) {
    return fail(`leaf ${index} cannot be in a tree of ${size} leaves`)
  }
  let fn = index
  let sn = size - 1
  let r = leafHash
  for (const [at, p] of proof.entries()) {
    if (sn === 0) return fail(`the proof has ${proof.length} hashes; leaf ${index} of ${size} needs ${at}`)
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)]
    } else {
      r = nodeHash(r, p)
    }
    ;[fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)]
  }
  if (sn !== 0) return fail(`the proof has ${proof.length} hashes, too few for leaf ${index} of ${size}`)
  if (!equalBytes(r, root)) {
    return fail(`the proof leads to root ${toBase64(r)}, not ${toBase64(root)}: the leaf or a proof hash differs`)
  }
  return { ok: true }
}

export interface ConsistencyClaim {
  oldSize: number
  oldRoot: Uint8Array
  newSize: number
  newRoot: Uint8Array
  proof: readonly Uint8Array[]
}

/** Whether `proof` shows that the tree of `newSize` leaves with `newRoot` extends the one of `oldSize` with `oldRoot`. */
export function verifyConsistency({ oldSize, oldRoot, newSize, newRoot, proof }: ConsistencyClaim): ProofVerdict {
  const shape = badShape([oldRoot, newRoot, ...proof])
  if (shape) return shape
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) {
    return fail(`a tree of ${oldSize} leaves cannot grow into one of ${newSize}`)
  }
  if (oldSize === 0 || oldSize === newSize) {
    if (proof.length !== 0) return fail(`from ${oldSize} to ${newSize} leaves the proof must be empty`)
    if (oldSize === newSize && !equalBytes(oldRoot, newRoot)) {
      return fail(`two trees of ${oldSize} leaves with different roots: ${toBase64(oldRoot)} and ${toBase64(newRoot)}`)
    }
    return { ok: true }
  }
  if (proof.length === 0) return fail(`from ${oldSize} to ${newSize} leaves the proof cannot be empty`)
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof]
  let fn = oldSize - 1
  let sn = newSize - 1
  while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)]
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return fail(`the proof has ${proof.length} hashes, more than ${oldSize} to ${newSize} needs`)
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)]
    } else {
      sr = nodeHash(sr, c)
    }
    ;[fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)]
  }
  if (sn !== 0) return fail(`the proof has ${proof.length} hashes, too few for ${oldSize} to ${newSize} leaves`)
  if (!equalBytes(fr, oldRoot)) {
    return fail(`the proof leads to old root ${toBase64(fr)}, not ${toBase64(oldRoot)}: the old tree is not a prefix`)
  }
  if (!equalBytes(sr, newRoot)) {
    return fail(
      `the proof leads to new root ${toBase64(sr)}, not ${toBase64(newRoot)}: the new tree does not extend the old`,
    )
  }
  return { ok: true }
}

function isPowerOfTwo(n: number): boolean {
  let k = 1
  while (k < n) k *= 2
  return k === n
}

function badShape(hashes: readonly Uint8Array[]): ProofVerdict | null {
  const wrong = hashes.find((hash) => hash.length !== HASH_SIZE)
  return wrong ? fail(`a hash is ${wrong.length} bytes, not ${HASH_SIZE}`) : null
}

function fail(problem: string): ProofVerdict {
  return { ok: false, problem }
}
