-- A file whose content is already stored under another path is stored once: its other paths are kept here.
CREATE TABLE file_aliases (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    path TEXT NOT NULL UNIQUE,        -- the absolute path, as files.path
    name TEXT NOT NULL                -- relative to its batch root, as files.name
);
CREATE INDEX file_aliases_file ON file_aliases(file_id);
CREATE INDEX files_sha ON files(sha256, current);
