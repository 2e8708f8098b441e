import GRDB

/// A new store's schema in one step: what `Schema`'s migrations leave in an empty
/// database, as SQLite itself holds it (`sqlite_master`'s text, in its order), and the
/// rows migrations add to an empty store. Each ALTER TABLE of a migration makes SQLite
/// parse the whole schema again, and each migration is its own transaction with its own
/// foreign-key check: opening a new store took 10.3 ms of a cold cycle with them, 6.1 ms
/// with this one transaction (uprobes around the open, medians of 7).
///
/// The migrations stay the truth: a store that has any table goes through them, and
/// `FreshSchemaTests` holds this text to what they make (the same `sqlite_master`, the
/// same rows) and prints the text to put here when a migration is added.
enum FreshSchema {
    /// Creates the schema and records every migration as applied, in one transaction,
    /// if the database has no schema at all; else does nothing. Called under the
    /// store's migration lock, before the migrator.
    static func createIfEmpty(_ writer: any DatabaseWriter) throws {
        try writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") == 0 else { return }
            try db.execute(sql: sql)
            let applied = try db.makeStatement(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)")
            for id in Schema.migrator.migrations { try applied.execute(arguments: [id]) }
        }
    }

    /// `sqlite_master`'s text after the migrations, then the rows they add to an empty store.
    static let sql = """
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        CREATE TABLE functions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, first_us INTEGER);
        CREATE TABLE signatures (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE,
                                 articles INTEGER NOT NULL);
        CREATE TABLE severities (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE buckets (
            function_id INTEGER NOT NULL REFERENCES functions(id),
            signature_id INTEGER NOT NULL REFERENCES signatures(id),
            hour INTEGER NOT NULL,
            count INTEGER NOT NULL,
            first_us INTEGER NOT NULL,
            last_us INTEGER NOT NULL,
            severity_mask INTEGER NOT NULL,
            PRIMARY KEY (function_id, signature_id, hour)
        ) WITHOUT ROWID;
        CREATE TABLE malformed (
            reason TEXT PRIMARY KEY, count INTEGER NOT NULL, first_lines TEXT NOT NULL
        );
        CREATE TABLE cycles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_us INTEGER NOT NULL,
            finished_us INTEGER,
            result TEXT NOT NULL DEFAULT 'running',
            violations_analyzed INTEGER, patterns INTEGER, lines_read INTEGER,
            malformed INTEGER, report_json TEXT
        , failure TEXT);
        CREATE TABLE proposals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            agent TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            confidence REAL NOT NULL,
            rationale TEXT NOT NULL,
            evidence_json TEXT NOT NULL,
            markdown TEXT NOT NULL,
            author TEXT NOT NULL,
            created_cycle INTEGER NOT NULL,
            updated_cycle INTEGER NOT NULL
        , recalled_json TEXT NOT NULL DEFAULT '[]', author_note TEXT, superseded_by INTEGER REFERENCES proposals(id), template_markdown TEXT, checks_json TEXT NOT NULL DEFAULT '[]');
        CREATE UNIQUE INDEX proposals_one_pending ON proposals(agent) WHERE status = 'pending';
        CREATE TABLE forecasts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            cycle INTEGER NOT NULL,
            function TEXT NOT NULL,
            made_us INTEGER NOT NULL,
            start_hour INTEGER NOT NULL,  -- the horizon is [start_hour, end_hour)
            end_hour INTEGER NOT NULL,
            expected REAL NOT NULL, lower INTEGER NOT NULL, upper INTEGER NOT NULL,
            probability REAL NOT NULL, confidence REAL NOT NULL, low_confidence INTEGER NOT NULL,
            inputs_json TEXT NOT NULL,
            -- filled once, when the horizon has passed
            actual INTEGER, abs_error REAL, pct_error REAL, in_interval INTEGER, brier REAL,
            scored_us INTEGER
        );
        CREATE INDEX forecasts_unscored ON forecasts(end_hour) WHERE actual IS NULL;
        CREATE INDEX forecasts_scored ON forecasts(end_hour) WHERE actual IS NOT NULL;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE memory_entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,                -- pattern, proposal, learning
            key TEXT NOT NULL,
            text TEXT NOT NULL,
            tags_json TEXT NOT NULL,
            evidence_json TEXT NOT NULL,
            note TEXT,
            -- one vector per entry; an entry made by another embedder than the
            -- current one is re-embedded by Learn, never compared across
            embedder TEXT,
            vector BLOB,
            created_cycle INTEGER NOT NULL, updated_cycle INTEGER NOT NULL,
            created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL,
            UNIQUE (kind, key)
        );
        CREATE INDEX memory_by_embedder ON memory_entries(embedder);
        CREATE TABLE classifications (
            signature TEXT PRIMARY KEY,
            article TEXT,                      -- NULL: the model found none
            category TEXT, summary TEXT,
            valid INTEGER NOT NULL,            -- 0: the answer failed validation
            model TEXT NOT NULL, created_us INTEGER NOT NULL
        );
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            proposal_id INTEGER NOT NULL REFERENCES proposals(id),
            decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'superseded')),
            user TEXT NOT NULL,
            decided_us INTEGER NOT NULL,
            reason TEXT,
            branch TEXT,
            commit_hash TEXT,
            superseded_by INTEGER REFERENCES proposals(id)
        , peer TEXT);
        CREATE UNIQUE INDEX decisions_once ON decisions(proposal_id);
        CREATE TABLE morning_reports (
            date TEXT PRIMARY KEY,        -- YYYY-MM-DD, the local date the night ends on
            night_start_us INTEGER NOT NULL,
            night_end_us INTEGER NOT NULL,
            written_us INTEGER NOT NULL,
            json TEXT NOT NULL
        );
        CREATE TABLE log_files (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            head_length INTEGER NOT NULL, head_hash INTEGER NOT NULL, head TEXT NOT NULL,
            path TEXT NOT NULL, device INTEGER NOT NULL, inode INTEGER NOT NULL,
            byte_offset INTEGER NOT NULL, lines INTEGER NOT NULL,
            size_seen INTEGER NOT NULL, modified_seen_us INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('live', 'rotated', 'gone')),
            updated_us INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX log_files_identity ON log_files(head_length, head_hash);
        CREATE TABLE log_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            cycle INTEGER, at_us INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('rotated', 'copytruncate', 'lost', 'replaced')),
            path TEXT NOT NULL, detail TEXT NOT NULL,
            bytes_read INTEGER NOT NULL, bytes_lost INTEGER, head TEXT NOT NULL
        );
        CREATE TABLE fix_merges (
            proposal_id INTEGER PRIMARY KEY REFERENCES proposals(id),
            merged_us INTEGER NOT NULL,
            how TEXT NOT NULL,            -- 'merged' (an ancestor of the main line) or 'text' (its heading at HEAD)
            main_commit TEXT NOT NULL,    -- the main-line commit that brought it
            found_us INTEGER NOT NULL,
            effect_json TEXT              -- the latest FixEffect, measured each cycle
        );
        CREATE TABLE counters (
            name   TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '',   -- the exposition's {k="v",…}, '' for none
            value  INTEGER NOT NULL,
            PRIMARY KEY (name, labels)
        ) WITHOUT ROWID;
        CREATE TABLE remote_calls (
            id INTEGER PRIMARY KEY,
            night TEXT NOT NULL,              -- the morning report's date: the budget it counts against
            started_us INTEGER NOT NULL,
            host TEXT NOT NULL,
            model TEXT NOT NULL,
            cap_usd REAL NOT NULL,            -- API_BUDGET_USD_PER_NIGHT when it was reserved
            reserved_usd REAL NOT NULL,       -- the worst case, counted until booked
            state TEXT NOT NULL,              -- 'reserved', 'booked', or 'refused' (over the cap: not sent)
            payload TEXT NOT NULL,            -- the exact request body sent ('' when refused)
            outcome TEXT,                     -- 'used', or the fallback's kind
            reason TEXT,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cost_usd REAL,                    -- what was booked: usage × prices, or the worst case
            usage_reported INTEGER,           -- 0: booked at the worst case, the answer had no usage
            finished_us INTEGER
        , answer TEXT);
        CREATE INDEX remote_calls_by_night ON remote_calls (night);
        CREATE INDEX buckets_by_hour_covering
            ON buckets (hour, function_id, signature_id, count, first_us, last_us, severity_mask);
        -- v7 moves the checkpoint's file into log_files (none, but its sequence starts)
        INSERT INTO sqlite_sequence (name, seq) VALUES ('log_files', 0);
        -- v11 counts the malformed lines of the cycles before it: none
        INSERT INTO counters (name, labels, value) VALUES ('consciousness_malformed_lines_total', '', 0);
        """
}
