-- Labels a model mapped to record fields for the `auto` backend: suggestions for a person to accept into
-- extractor/data/vocabulary.toml by hand (`jixiao vocab`), never written there automatically.
CREATE TABLE label_suggestions (
    id INTEGER PRIMARY KEY,
    section TEXT NOT NULL,            -- the vocabulary section: header, fund_columns, indicator_columns, …
    label TEXT NOT NULL,              -- the label as the vocabulary compares it (label_key)
    field TEXT NOT NULL,              -- the field the model chose
    model TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (section, label, field, model)
);

-- Each table read with a suggestion: the count and the examples `jixiao vocab` shows.
CREATE TABLE label_uses (
    suggestion_id INTEGER NOT NULL REFERENCES label_suggestions(id),
    file TEXT NOT NULL,
    tbl INTEGER NOT NULL,
    printed TEXT NOT NULL,            -- the label as printed in that table
    at TEXT NOT NULL,
    PRIMARY KEY (suggestion_id, file, tbl)
);
