#ifndef CSQLITE_OPTIONS_H
#define CSQLITE_OPTIONS_H

/// `sqlite3_db_config` is variadic, and Swift does not call C variadic functions: this
/// sets one of its options. `connection` is a `sqlite3 *` (GRDB's `sqliteConnection`),
/// passed untyped so this module and GRDB's do not both declare SQLite's types.
///
/// SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE: the last connection to close does not copy the
/// write-ahead log into the database. Returns SQLite's result code.
int csqlite_skip_checkpoint_on_close(void *connection);

/// `sqlite3_config(SQLITE_CONFIG_MULTITHREAD)`, also variadic: connections without a
/// mutex of their own. GRDB lends each connection to one thread at a time (its
/// serialized queue), so the mutex Debian's serialized default takes and releases
/// around every SQLite call only costs. Takes effect only before SQLite's first use
/// (else SQLITE_MISUSE, and the serialized mode stays: still correct, just slower).
int csqlite_use_multithread_mode(void);

#endif
