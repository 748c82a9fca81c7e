/** Opening a connection to the store's SQLite file: the same settings on every connection. */
import Database from 'better-sqlite3';

export function openConnection(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a killed process (only a power loss can lose the last ones).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // 16 MB of page cache per connection (default 2 MB): a large run's indexes stay in memory.
  db.pragma('cache_size = -16384');
  // Checkpoint when the WAL passes 16 MB (default 4 MB), on every connection alike: otherwise the
  // connection with the lower threshold (the main one, on its next small write) pays for copying
  // the whole WAL written by the writer thread.
  db.pragma('wal_autocheckpoint = 4000');
  return db;
}
