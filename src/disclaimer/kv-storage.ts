import type { DisclaimerStorage } from './store'

/** Adapts a Workers KV namespace to the disclaimer store. */
export function kvStorage(kv: KVNamespace): DisclaimerStorage {
  return {
    get: (key) => kv.get(key, { type: 'text' }),
    put: (key, value, metadata) => kv.put(key, value, metadata ? { metadata } : undefined),
    delete: (key) => kv.delete(key),
    list: async (prefix) => {
      const keys: { name: string; metadata?: unknown }[] = []
      let cursor: string | undefined
      do {
        const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, cursor })
        keys.push(...page.keys)
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor)
      return keys
    },
  }
}
