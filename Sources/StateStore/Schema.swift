import GRDB

/// The store's schema, as GRDB migrations: each one runs once, in order, inside a
/// transaction, and the applied list is the schema version.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: buckets, checkpoint, cycles, proposals") { db in
            try db.execute(sql: """
                CREATE TABLE functions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE signatures (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE,
                                         articles INTEGER NOT NULL);
                -- ids 0…62 are mask bits 0…62; later severities share bit 63
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
                CREATE INDEX buckets_by_hour ON buckets(hour);
                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    path TEXT NOT NULL, device INTEGER NOT NULL, inode INTEGER NOT NULL,
                    byte_offset INTEGER NOT NULL, lines INTEGER NOT NULL,
                    head_length INTEGER NOT NULL, head_hash INTEGER NOT NULL
                );
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
                );
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
                );
                -- at most one pending proposal per agent: a later cycle updates it
                CREATE UNIQUE INDEX proposals_one_pending ON proposals(agent) WHERE status = 'pending';
                """)
        }
        m.registerMigration("v2: forecasts and their scores") { db in
            try db.execute(sql: """
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
                """)
        }
        m.registerMigration("v3: meta") { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        m.registerMigration("v4: vector memory, classifications, recall") { db in
            try db.execute(sql: """
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
                -- the Controller's answers: a signature goes to a model once, ever
                CREATE TABLE classifications (
                    signature TEXT PRIMARY KEY,
                    article TEXT,                      -- NULL: the model found none
                    category TEXT, summary TEXT,
                    valid INTEGER NOT NULL,            -- 0: the answer failed validation
                    model TEXT NOT NULL, created_us INTEGER NOT NULL
                );
                ALTER TABLE proposals ADD COLUMN recalled_json TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE proposals ADD COLUMN author_note TEXT;
                """)
        }
        m.registerMigration("v5: proposal decisions") { db in
            try db.execute(sql: """
                ALTER TABLE proposals ADD COLUMN superseded_by INTEGER REFERENCES proposals(id);
                -- who decided what about a proposal, and when: the audit trail `proposals show` prints
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
                );
                -- a proposal leaves 'pending' once, so it is decided once
                CREATE UNIQUE INDEX decisions_once ON decisions(proposal_id);
                """)
        }
        m.registerMigration("v6: morning reports") { db in
            try db.execute(sql: """
                CREATE TABLE morning_reports (
                    date TEXT PRIMARY KEY,        -- YYYY-MM-DD, the local date the night ends on
                    night_start_us INTEGER NOT NULL,
                    night_end_us INTEGER NOT NULL,
                    written_us INTEGER NOT NULL,
                    json TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v7: log registry and log events") { db in
            try db.execute(sql: """
                -- every log file ever read from, known by its first line wherever it lies
                CREATE TABLE log_files (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    head_length INTEGER NOT NULL, head_hash INTEGER NOT NULL, head TEXT NOT NULL,
                    path TEXT NOT NULL, device INTEGER NOT NULL, inode INTEGER NOT NULL,
                    byte_offset INTEGER NOT NULL, lines INTEGER NOT NULL,
                    size_seen INTEGER NOT NULL, modified_seen_us INTEGER NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('live', 'rotated', 'gone')),
                    updated_us INTEGER NOT NULL
                );
                -- one entry per identity: a second cycle registering the same file conflicts
                CREATE UNIQUE INDEX log_files_identity ON log_files(head_length, head_hash);
                INSERT INTO log_files (head_length, head_hash, head, path, device, inode, byte_offset, lines,
                                       size_seen, modified_seen_us, role, updated_us)
                    SELECT head_length, head_hash, '', path, device, inode, byte_offset, lines, byte_offset,
                           CAST(strftime('%s', 'now') AS INTEGER) * 1000000, 'live', 0
                    FROM checkpoint WHERE head_length > 0;
                DROP TABLE checkpoint;
                -- rotations drained, truncations detected, tails lost: never silent
                CREATE TABLE log_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    cycle INTEGER, at_us INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('rotated', 'copytruncate', 'lost', 'replaced')),
                    path TEXT NOT NULL, detail TEXT NOT NULL,
                    bytes_read INTEGER NOT NULL, bytes_lost INTEGER, head TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v8: typed cycle results, the failure reason in its own column") { db in
            try db.execute(sql: """
                ALTER TABLE cycles ADD COLUMN failure TEXT;
                UPDATE cycles SET failure = report_json, report_json = NULL WHERE result = 'failed';
                UPDATE cycles SET result = 'failed' WHERE result NOT IN ('running', 'completed', 'degraded', 'failed');
                """)
        }
        m.registerMigration("v9: approved fixes on the main line and their measured effect") { db in
            try db.execute(sql: """
                -- when an approved proposal's change reached the agency's main line, found with git
                CREATE TABLE fix_merges (
                    proposal_id INTEGER PRIMARY KEY REFERENCES proposals(id),
                    merged_us INTEGER NOT NULL,
                    how TEXT NOT NULL,            -- 'merged' (an ancestor of the main line) or 'text' (its heading at HEAD)
                    main_commit TEXT NOT NULL,    -- the main-line commit that brought it
                    found_us INTEGER NOT NULL,
                    effect_json TEXT              -- the latest FixEffect, measured each cycle
                );
                """)
        }
        m.registerMigration("v10: a drafted proposal's template and the checks its draft passed") { db in
            try db.execute(sql: """
                ALTER TABLE proposals ADD COLUMN template_markdown TEXT;   -- NULL: the template stands
                ALTER TABLE proposals ADD COLUMN checks_json TEXT NOT NULL DEFAULT '[]';
                """)
        }
        m.registerMigration("v11: the deciding peer's credentials; the metrics' all-time counters") { db in
            try db.execute(sql: """
                ALTER TABLE decisions ADD COLUMN peer TEXT;   -- "uid 1000 (alice), pid 4242" over the socket
                CREATE TABLE counters (
                    name   TEXT NOT NULL,
                    labels TEXT NOT NULL DEFAULT '',   -- the exposition's {k="v",…}, '' for none
                    value  INTEGER NOT NULL,
                    PRIMARY KEY (name, labels)
                ) WITHOUT ROWID;
                -- A store from before the counters: what its cycles table knows exactly.
                INSERT INTO counters (name, labels, value)
                    SELECT 'consciousness_cycles_total', '{result="' || result || '"}', count(*) FROM cycles
                    WHERE result IN ('completed', 'degraded', 'failed') GROUP BY result;
                INSERT INTO counters (name, labels, value)
                    SELECT 'consciousness_malformed_lines_total', '', coalesce(sum(malformed), 0) FROM cycles;
                """)
        }
        m.registerMigration("v12: the remote Architect's ledger (AGENCY_MODE=hybrid)") { db in
            try db.execute(sql: """
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
                );
                CREATE INDEX remote_calls_by_night ON remote_calls (night);
                """)
        }
        m.registerMigration("v13: the remote Architect's used answer, kept for a retried morning report") { db in
            // The answer's text when it was used: a report made again for the same night and
            // the same payload (a restart before the report was marked written) reads it
            // here instead of paying for the same call twice. (`outcome` also takes
            // 'over_reservation' since: an answer past its token limit, which ends the
            // night's remote calls.)
            try db.execute(sql: "ALTER TABLE remote_calls ADD COLUMN answer TEXT")
        }
        m.registerMigration("v14: the hour index covers the bucket; a function's first violation kept with it") { db in
            // Every cycle reads its window's buckets by hour. With the hour alone in the
            // index, each row cost a second search of the table by its key; an index that
            // holds the whole bucket answers from itself (a third of the time, measured on
            // 9,000 rows). It replaces the hour-only one, whose every use it serves.
            try db.execute(sql: """
                CREATE INDEX buckets_by_hour_covering
                    ON buckets (hour, function_id, signature_id, count, first_us, last_us, severity_mask);
                DROP INDEX buckets_by_hour;
                """)
            // "First seen" is over the whole history, which grows without end: kept per
            // function as buckets are committed, it is read without scanning them.
            try db.execute(sql: """
                ALTER TABLE functions ADD COLUMN first_us INTEGER;
                UPDATE functions SET first_us = (SELECT min(first_us) FROM buckets WHERE function_id = functions.id);
                """)
        }
        return m
    }
}
