// The log's in-memory hash store, counting the hashes read and written as a SQL table's rows would be: what
// `npm run bench:log` reports and test/core/log/tree-store.test.ts asserts.
import type { TreeNode } from '../../src/core/log/merkle.ts'
import { MemoryHashStore, type StoredHash } from '../../src/core/log/tree-store.ts'

export class CountingStore extends MemoryHashStore {
  reads = 0
  writes = 0
  override read(nodes: readonly TreeNode[]) {
    this.reads += nodes.length
    return super.read(nodes)
  }
  override write(hashes: readonly StoredHash[]) {
    this.writes += hashes.length
    super.write(hashes)
  }
}
