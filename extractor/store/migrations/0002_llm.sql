-- The LLM backend: answers cached by what was asked, every call with its tokens and cost, and each run's totals.
CREATE TABLE llm_cache (
    key TEXT PRIMARY KEY,             -- sha256 of (purpose, chunk content, prompt hash, model, answer schema)
    purpose TEXT NOT NULL,            -- extract | semantic
    model TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    schema TEXT NOT NULL,
    status TEXT NOT NULL,             -- ok | failed (an answer that never validated: asking again gets the same)
    answer TEXT NOT NULL,             -- the validated answer as JSON, or the reason it failed
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost DOUBLE PRECISION NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE llm_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    extractor TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    max_cost DOUBLE PRECISION,
    calls INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost DOUBLE PRECISION NOT NULL DEFAULT 0,
    cached INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    stopped TEXT                      -- why the run stopped early (budget), or NULL
);

-- One row per answer asked for or taken from the cache; per record: rows with its file and table.
CREATE TABLE llm_calls (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES llm_runs(id),
    file TEXT NOT NULL,
    tbl INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    schema TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    status TEXT NOT NULL,             -- ok | failed | cached
    requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost DOUBLE PRECISION NOT NULL,
    error TEXT,
    at TEXT NOT NULL
);
CREATE INDEX llm_calls_record ON llm_calls(file, tbl);
