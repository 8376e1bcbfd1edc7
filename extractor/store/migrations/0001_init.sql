-- Files as read: one row per (path, content) read; `current` marks the version whose records count.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,            -- ok | failed
    reason TEXT,
    n_tables INTEGER NOT NULL DEFAULT 0,
    extractor TEXT NOT NULL,
    read_at TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_path ON files(path, current);

CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    idx INTEGER NOT NULL,
    grid TEXT NOT NULL                -- the cell grid as JSON, for the review page
);

CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    chunk_id INTEGER REFERENCES chunks(id),
    idx INTEGER NOT NULL,
    data TEXT NOT NULL,               -- the record as JSON, corrections applied
    reviewed INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX records_file ON records(file_id);

CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    code TEXT NOT NULL,
    field TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    candidates TEXT,
    status TEXT NOT NULL DEFAULT 'open',   -- open | closed
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX issues_queue ON issues(status, severity);

-- Every change a person makes: who, when, old and new value, the issue it answered.
CREATE TABLE review_actions (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    issue_id INTEGER REFERENCES issues(id),
    action TEXT NOT NULL,             -- set | accept | skip | undo
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    who TEXT NOT NULL,
    at TEXT NOT NULL
);
