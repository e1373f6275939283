-- Accounts, sessions, sign-in throttling, admin audit log, customers and policies.
-- Timestamps are milliseconds since the Unix epoch (BIGINT) on every backend.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'admin')),
    password_hash TEXT    NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    last_login_at BIGINT
);

-- The cookie carries a random token; only its SHA-256 is stored, so a copy of the database
-- cannot be used to hijack sessions.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT   NOT NULL,
    ip        TEXT   NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, failed_at);
CREATE INDEX login_failures_ip ON login_failures (ip, failed_at);

CREATE TABLE admin_audit_log (
    id       INTEGER PRIMARY KEY,
    actor_id BIGINT  REFERENCES users (id),
    action   TEXT    NOT NULL,
    detail   TEXT    NOT NULL,
    at       BIGINT  NOT NULL
);
CREATE INDEX admin_audit_log_at ON admin_audit_log (at);

CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A contact is one person: a customer from the master system or a lead from an unknown number.
-- mobile/email are the current values; master_* keep what the master system said.
CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    customer_id   TEXT    UNIQUE,
    name          TEXT    NOT NULL,
    mobile        TEXT,
    email         TEXT,
    master_mobile TEXT,
    master_email  TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('customer', 'new_lead')),
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX contacts_status ON contacts (status);
CREATE INDEX contacts_mobile ON contacts (mobile);

CREATE TABLE policies (
    id               INTEGER PRIMARY KEY,
    policy_number    TEXT    NOT NULL UNIQUE,
    contact_id       BIGINT  NOT NULL REFERENCES contacts (id),
    amount_due_cents BIGINT  NOT NULL,
    payment_status   TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX policies_contact_id ON policies (contact_id);
