// The part of better-sqlite3 12 the journal uses. The project has no @types/better-sqlite3; when it
// is added, delete this file.
declare module 'better-sqlite3' {
  interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }
  interface Statement<Row = unknown> {
    run(...params: unknown[]): RunResult;
    get(...params: unknown[]): Row | undefined;
    all(...params: unknown[]): Row[];
  }
  interface Options {
    timeout?: number;
    readonly?: boolean;
    fileMustExist?: boolean;
  }
  class Database {
    constructor(filename: string, options?: Options);
    prepare<Row = unknown>(sql: string): Statement<Row>;
    exec(sql: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<F extends (...args: never[]) => unknown>(fn: F): F;
    close(): this;
    readonly open: boolean;
  }
  export default Database;
}
