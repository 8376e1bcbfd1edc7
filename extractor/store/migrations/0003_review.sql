-- The review queue: accounts, sessions, claims, and what an action needs to be undone and re-checked.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,                  -- reviewer | admin
    created_at TEXT NOT NULL
);

-- The cookie holds a random token; only its hash is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    flash TEXT                            -- the outcome of the last answer, shown on the next page
);

-- One reviewer works an item at a time; a claim lapses at expires_at.
CREATE TABLE claims (
    issue_id INTEGER PRIMARY KEY REFERENCES issues(id),
    who TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Bumped on every write of records.data, so concurrent corrections never overwrite each other.
ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- The issue as answered (a confirmation holds only while the check says exactly this), the record
-- before the action (for undo), and when it was undone.
ALTER TABLE review_actions ADD COLUMN code TEXT;
ALTER TABLE review_actions ADD COLUMN message TEXT;
ALTER TABLE review_actions ADD COLUMN before_data TEXT;
ALTER TABLE review_actions ADD COLUMN undone_at TEXT;
CREATE INDEX review_actions_record ON review_actions(record_id);
