import GRDB

/// A value that changes whenever what the archive lists changes (a clip added, removed or
/// changed in any way, a camera added, removed or renamed) and never otherwise: the archive's
/// pages compare it with the one they were drawn from, so that a run that changed nothing
/// redraws nothing. Kept by triggers, so that every writer keeps it, whatever its version.
extension Catalog {
    /// The catalog's generation: random, so that a catalog made anew (a rebuild) never meets
    /// the value of the one it replaced. `nil` for a catalog older than the generation, read
    /// where it cannot be upgraded.
    public func generation() async throws -> Int64? {
        try await read { db in
            guard try db.tableExists("generation") else { return nil }
            return try Int64.fetchOne(db, sql: "SELECT value FROM generation")
        }
    }

    /// Migration v7: the `generation` table and the triggers that renew it. A run's own rows
    /// (table `run`) are left out: a run that archived nothing changes nothing listed.
    static func addGeneration(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
            INSERT INTO generation (id, value) VALUES (1, random());
            CREATE TRIGGER clipInserted AFTER INSERT ON clip BEGIN UPDATE generation SET value = random(); END;
            CREATE TRIGGER clipUpdated AFTER UPDATE ON clip BEGIN UPDATE generation SET value = random(); END;
            CREATE TRIGGER clipDeleted AFTER DELETE ON clip BEGIN UPDATE generation SET value = random(); END;
            CREATE TRIGGER deviceInserted AFTER INSERT ON device BEGIN UPDATE generation SET value = random(); END;
            CREATE TRIGGER deviceUpdated AFTER UPDATE ON device WHEN OLD.mac IS NOT NEW.mac OR OLD.name IS NOT NEW.name
                BEGIN UPDATE generation SET value = random(); END;
            CREATE TRIGGER deviceDeleted AFTER DELETE ON device BEGIN UPDATE generation SET value = random(); END;
            """)
    }
}
