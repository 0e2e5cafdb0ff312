/**
 * Archive store over SQLite. ArchiveQuery selection is compiled to SQL that must agree with
 * ArchiveLog.select in memory-archive.ts; the conformance suite holds both to the same answers.
 */
import { ArchiveKeyNotFoundError, checkQuery, checkString, checkWhen, type CheckedQuery } from "./archive-query";
import { archiveKeys } from "./archive-key";
import { decodeJson, encodeJson } from "./json-value";
import type { SqliteConn, SqliteRunner } from "./sqlite-conn";
import type { ArchiveItem, ArchiveQuery, ArchiveStore, Json } from "./types";

const COLUMNS = `host, store, "user", "key", when_ms, with_jid, value`;
const INSERT = `INSERT INTO archive (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`;
// REPLACE drops the old row and the new one gets a fresh id: the item moves to the end.
const REPLACE = `INSERT OR REPLACE INTO archive (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`;
const ID_OF = `SELECT id FROM archive WHERE host = ? AND store = ? AND "user" = ? AND "key" = ?`;

interface Row {
  key: string;
  value: string;
  when_ms: number;
  with_jid: string;
}

export class SqliteArchiveStore<T extends Json> implements ArchiveStore<T> {
  constructor(private readonly runner: SqliteRunner, private readonly host: string, private readonly store: string) {}

  async append(user: string, key: string | null, value: T, when: Date, withJid: string): Promise<string> {
    checkString("user", user);
    if (key !== null) checkString("key", key);
    const whenMs = checkWhen(when);
    checkString("with", withJid);
    const json = encodeJson(value);
    return this.runner.use("archive.append", (c) => {
      // A generated key colliding would be a bug; plain INSERT makes it an error instead of a silent overwrite.
      const k = key ?? archiveKeys.next();
      c.stmt(key === null ? INSERT : REPLACE).run(this.host, this.store, user, k, whenMs, withJid, json);
      return k;
    });
  }

  async find(user: string, q?: ArchiveQuery): Promise<ArchiveItem<T>[]> {
    checkString("user", user);
    const query = checkQuery(q);
    return this.runner.use("archive.find", (c) => {
      const { where, params } = this.selection(c, user, query);
      const rows = c.stmt(`SELECT "key", value, when_ms, with_jid FROM archive WHERE ${where}`).all(...params) as Row[];
      return rows.map((r) => ({ key: r.key, value: decodeJson<T>(r.value), when: new Date(r.when_ms), with: r.with_jid }));
    });
  }

  async count(user: string, q?: ArchiveQuery): Promise<number> {
    checkString("user", user);
    const query = checkQuery(q);
    return this.runner.use("archive.count", (c) => {
      const { where, params } = this.selection(c, user, query);
      return (c.stmt(`SELECT count(*) AS n FROM (SELECT 1 FROM archive WHERE ${where})`).get(...params) as { n: number }).n;
    });
  }

  async delete(user: string, q?: ArchiveQuery): Promise<number> {
    checkString("user", user);
    const query = checkQuery(q);
    return this.runner.use("archive.delete", (c) =>
      // One transaction, so after/before resolve against the same rows the delete sees.
      c.write(() => {
        const { where, params } = this.selection(c, user, query);
        return c.stmt(`DELETE FROM archive WHERE id IN (SELECT id FROM archive WHERE ${where})`).run(...params).changes;
      }),
    );
  }

  /**
   * The WHERE/ORDER/LIMIT tail selecting the query's rows. Only the presence of each filter
   * changes the SQL text (lists go in as one JSON parameter), so the statement cache stays small.
   */
  private selection(c: SqliteConn, user: string, q: CheckedQuery): { where: string; params: unknown[] } {
    const parts = [`host = ?`, `store = ?`, `"user" = ?`];
    const params: unknown[] = [this.host, this.store, user];
    const add = (sql: string, value: unknown): void => {
      parts.push(sql);
      params.push(value);
    };
    if (q.startMs !== undefined) add(`when_ms >= ?`, q.startMs);
    if (q.endMs !== undefined) add(`when_ms <= ?`, q.endMs);
    if (q.with !== undefined) add(`with_jid = ?`, q.with);
    if (q.after !== undefined) add(`id > ?`, this.idOf(c, user, q.after));
    if (q.before !== undefined) add(`id < ?`, this.idOf(c, user, q.before));
    if (q.ids !== undefined) add(`"key" IN (SELECT value FROM json_each(?))`, JSON.stringify(q.ids));
    // SQLite reads a negative LIMIT as "no limit".
    params.push(q.limit ?? -1);
    // With ids, "+id" stops SQLite from walking the user's whole archive in id order; it looks
    // the few keys up in the unique index and sorts them instead.
    const order = q.ids !== undefined ? "+id" : "id";
    return { where: `${parts.join(" AND ")} ORDER BY ${order} ${q.reverse ? "DESC" : "ASC"} LIMIT ?`, params };
  }

  private idOf(c: SqliteConn, user: string, key: string): number {
    const row = c.stmt(ID_OF).get(this.host, this.store, user, key) as { id: number } | undefined;
    if (!row) throw new ArchiveKeyNotFoundError(key);
    return row.id;
  }
}
