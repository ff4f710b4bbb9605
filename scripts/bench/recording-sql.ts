// The benchmark Workers' view of a Durable Object's SqlStorage: every statement handed to `record` with its cursor, so
// the rows it read and wrote can be summed once it has run.

export type Cursor = SqlStorageCursor<Record<string, SqlStorageValue>>

/** `sql` with each `exec` reported to `record` (its query and its cursor); everything else as it is. */
export function recordingSql(sql: SqlStorage, record: (query: string, cursor: Cursor) => void): SqlStorage {
  return new Proxy(sql, {
    get(target, property) {
      if (property !== 'exec') {
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (query: string, ...bindings: SqlStorageValue[]) => {
        const cursor = target.exec(query, ...bindings)
        record(query, cursor)
        return cursor
      }
    },
  })
}
