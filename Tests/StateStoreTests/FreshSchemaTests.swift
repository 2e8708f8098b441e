import Foundation
import GRDB
@testable import StateStore
import Testing

/// A new store gets its schema in one step (`FreshSchema`), every other store through
/// the migrations. Both must leave the same database: the same `sqlite_master`, text for
/// text, and the same rows.
@Suite struct FreshSchemaTests {
    /// Everything a schema is made of and every row: `sqlite_master` by name, then each
    /// table's rows, sorted.
    static func contents(_ db: Database) throws -> [String] {
        let master = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return master.map { "\($0)" } + (try tables.flatMap { table in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { "\(table): \($0)" }.sorted()
        })
    }

    static func difference(_ got: [String], _ expected: [String]) -> String {
        "missing \(expected.filter { !got.contains($0) }), extra \(got.filter { !expected.contains($0) })"
    }

    /// What to put in `FreshSchema.sql` when it no longer matches.
    static func migratedText(_ db: Database) throws -> String {
        try String.fetchAll(db, sql: """
            SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL AND name != 'sqlite_sequence' ORDER BY rowid
            """).joined(separator: "\n")
    }

    static func migrated() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue)
        return queue
    }

    @Test func theOneStepSchemaIsWhatTheMigrationsMake() throws {
        let migrated = try Self.migrated()
        let fresh = try DatabaseQueue()
        try FreshSchema.createIfEmpty(fresh)
        let expected = try migrated.read(Self.contents)
        let got = try fresh.read(Self.contents)
        let text = try migrated.read(Self.migratedText)
        #expect(got == expected, """
            FreshSchema.sql is not what the migrations make: \(Self.difference(got, expected))
            Its schema, as the migrations leave it (then the rows they add to an empty store):
            \(text)
            """)
        // Nothing left for the migrator, which then changes nothing.
        try Schema.migrator.migrate(fresh)
        #expect(try fresh.read(Self.contents) == expected)
        #expect(try fresh.read { try Schema.migrator.appliedMigrations($0) } == Schema.migrator.migrations)
    }

    /// Through the store, both ways it opens (a pool, one connection): a new directory
    /// takes the one step and has the migrated contents.
    @Test(arguments: [true, false]) func aNewStoreHasTheSchemaTheMigrationsMake(concurrentReads: Bool) throws {
        let expected = try Self.migrated().read(Self.contents)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir, concurrentReads: concurrentReads)
        #expect(try store.schemaVersion() == Schema.migrator.migrations.count)
        let got = try DatabaseQueue(path: store.databasePath).read(Self.contents)
        #expect(got == expected, "\(Self.difference(got, expected))")
    }

    /// A store begun by an older version is left to the migrations.
    @Test func aStoreWithTablesIsLeftToTheMigrations() throws {
        let queue = try DatabaseQueue()
        let v13 = try #require(Schema.migrator.migrations.first { $0.hasPrefix("v13:") })
        try Schema.migrator.migrate(queue, upTo: v13)
        let before = try queue.read(Self.contents)
        try FreshSchema.createIfEmpty(queue)
        #expect(try queue.read(Self.contents) == before)
        try Schema.migrator.migrate(queue)
        #expect(try queue.read(Self.contents) == (try Self.migrated().read(Self.contents)))
    }
}
