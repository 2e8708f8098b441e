#ifndef CSQLITE_OPTIONS_H
#define CSQLITE_OPTIONS_H

/// `sqlite3_db_config` is variadic, and Swift does not call C variadic functions: this
/// sets one of its options. `connection` is a `sqlite3 *` (GRDB's `sqliteConnection`),
/// passed untyped so this module and GRDB's do not both declare SQLite's types.
///
/// SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE: the last connection to close does not copy the
/// write-ahead log into the database. Returns SQLite's result code.
int csqlite_skip_checkpoint_on_close(void *connection);

#endif
