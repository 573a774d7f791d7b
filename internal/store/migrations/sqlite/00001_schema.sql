-- Times are Unix seconds (INTEGER) and NULL when unknown. Booleans are 0/1 INTEGERs here, and
-- the Go code binds them from Go bools and never compares them with literals, so a PostgreSQL
-- schema can declare them BOOLEAN. The Go code uses $N parameters so that a PostgreSQL schema
-- with the same tables and columns can share its statements.

-- +goose Up
CREATE TABLE metadata (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('instagram', 'facebook')),
    user_id          TEXT    NOT NULL DEFAULT '',
    app_scoped_id    TEXT    NOT NULL DEFAULT '',
    username         TEXT    NOT NULL DEFAULT '',
    name             TEXT    NOT NULL DEFAULT '',
    token_sealed     BLOB    NOT NULL,
    token_issued_at  INTEGER,
    token_expires_at INTEGER,
    status           TEXT    NOT NULL,
    status_message   TEXT    NOT NULL DEFAULT '',
    last_refresh_at  INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- One row per connected Instagram account: an Instagram Login account is identified by its
-- professional account id, a Facebook Login account by the Facebook user id.
CREATE UNIQUE INDEX accounts_instagram_user
    ON accounts (user_id) WHERE kind = 'instagram' AND user_id <> '';
CREATE UNIQUE INDEX accounts_facebook_user
    ON accounts (app_scoped_id) WHERE kind = 'facebook' AND app_scoped_id <> '';

CREATE TABLE account_pages (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    page_id    TEXT    NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    user_id    TEXT    NOT NULL DEFAULT '',
    position   INTEGER NOT NULL,
    PRIMARY KEY (account_id, page_id)
);

CREATE TABLE instances (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    page_id       TEXT    NOT NULL DEFAULT '',
    cache_seconds INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE INDEX instances_account ON instances (account_id);

CREATE TABLE media_files (
    ref            TEXT    PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    media_id       TEXT    NOT NULL,
    variant        TEXT    NOT NULL,
    cdn_url        TEXT    NOT NULL DEFAULT '',
    video          INTEGER NOT NULL DEFAULT 0,
    resolvable     INTEGER NOT NULL DEFAULT 0,
    path           TEXT    NOT NULL DEFAULT '',
    size           INTEGER NOT NULL DEFAULT 0,
    content_type   TEXT    NOT NULL DEFAULT '',
    sha256         TEXT    NOT NULL DEFAULT '',
    downloaded_at  INTEGER,
    last_access_at INTEGER,
    gone           INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX media_files_account ON media_files (account_id);
CREATE INDEX media_files_last_access ON media_files (last_access_at);

-- Hashtag ids are global and never change, so one row serves every account.
CREATE TABLE hashtags (
    name       TEXT PRIMARY KEY,
    hashtag_id TEXT NOT NULL
);

CREATE TABLE hashtag_searches (
    account_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    hashtag_id  TEXT    NOT NULL,
    searched_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name, searched_at)
);

CREATE TABLE query_cache (
    cache_key   TEXT    PRIMARY KEY,
    instance_id INTEGER NOT NULL,
    value       BLOB    NOT NULL,
    fetched_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE INDEX query_cache_instance ON query_cache (instance_id);

CREATE TABLE oauth_states (
    state      TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    session    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- +goose Down
DROP TABLE oauth_states;
DROP TABLE query_cache;
DROP TABLE hashtag_searches;
DROP TABLE hashtags;
DROP TABLE media_files;
DROP TABLE instances;
DROP TABLE account_pages;
DROP TABLE accounts;
DROP TABLE metadata;
