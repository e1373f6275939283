-- Contact updates (the audit trail of corrections), name search terms, API tokens.

-- Every word of a contact's name, accents folded and lower-cased: a prefix of any word finds
-- the contact through the primary-key index, on SQLite and PostgreSQL alike.
CREATE TABLE contact_name_terms (
    term       TEXT   NOT NULL,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (term, contact_id)
);
CREATE INDEX contact_name_terms_contact ON contact_name_terms (contact_id);
CREATE INDEX contacts_master_mobile ON contacts (master_mobile);
CREATE INDEX contacts_email_lower ON contacts (lower(email));
CREATE INDEX contacts_name ON contacts (name);

CREATE TABLE contact_updates (
    id              INTEGER PRIMARY KEY,
    contact_id      BIGINT  NOT NULL REFERENCES contacts (id),
    customer_id     TEXT,
    policy_number   TEXT,
    customer_name   TEXT    NOT NULL,
    old_mobile      TEXT,
    new_mobile      TEXT,
    old_email       TEXT,
    new_email       TEXT,
    update_reason   TEXT    NOT NULL,
    notes           TEXT,
    agent_id        BIGINT  NOT NULL REFERENCES users (id),
    agent_name      TEXT    NOT NULL,
    captured_at     BIGINT  NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'synced', 'rejected')),
    synced_at       BIGINT,
    synced_by       BIGINT  REFERENCES users (id),
    rejected_at     BIGINT,
    rejected_by     BIGINT  REFERENCES users (id),
    reject_reason   TEXT,
    idempotency_key TEXT    NOT NULL,
    CHECK (new_mobile IS NOT NULL OR new_email IS NOT NULL)
);
CREATE UNIQUE INDEX contact_updates_idempotency ON contact_updates (agent_id, idempotency_key);
CREATE INDEX contact_updates_contact ON contact_updates (contact_id, captured_at);
CREATE INDEX contact_updates_customer_id ON contact_updates (customer_id);
CREATE INDEX contact_updates_policy_number ON contact_updates (policy_number);
CREATE INDEX contact_updates_status ON contact_updates (status);
CREATE INDEX contact_updates_captured_at ON contact_updates (captured_at);
CREATE INDEX contact_updates_agent ON contact_updates (agent_id);

-- The audit trail is append-only, enforced here and not only in the code: no row is ever
-- deleted, and the only change allowed is a pending update becoming synced or rejected, with
-- its stamp, every captured column untouched.
CREATE TRIGGER contact_updates_no_delete
BEFORE DELETE ON contact_updates
BEGIN
    SELECT RAISE(ABORT, 'contact_updates is append-only: rows cannot be deleted');
END;

CREATE TRIGGER contact_updates_only_status
BEFORE UPDATE ON contact_updates
WHEN NOT (
        OLD.status = 'pending'
    AND NEW.id IS OLD.id
    AND NEW.contact_id IS OLD.contact_id
    AND NEW.customer_id IS OLD.customer_id
    AND NEW.policy_number IS OLD.policy_number
    AND NEW.customer_name IS OLD.customer_name
    AND NEW.old_mobile IS OLD.old_mobile
    AND NEW.new_mobile IS OLD.new_mobile
    AND NEW.old_email IS OLD.old_email
    AND NEW.new_email IS OLD.new_email
    AND NEW.update_reason IS OLD.update_reason
    AND NEW.notes IS OLD.notes
    AND NEW.agent_id IS OLD.agent_id
    AND NEW.agent_name IS OLD.agent_name
    AND NEW.captured_at IS OLD.captured_at
    AND NEW.idempotency_key IS OLD.idempotency_key
    AND (
           (NEW.status = 'synced' AND NEW.synced_at IS NOT NULL AND NEW.synced_by IS NOT NULL
            AND NEW.rejected_at IS NULL AND NEW.rejected_by IS NULL AND NEW.reject_reason IS NULL)
        OR (NEW.status = 'rejected' AND NEW.rejected_at IS NOT NULL AND NEW.rejected_by IS NOT NULL
            AND NEW.reject_reason IS NOT NULL AND NEW.synced_at IS NULL AND NEW.synced_by IS NULL)
    )
)
BEGIN
    SELECT RAISE(ABORT, 'contact_updates is append-only: only pending -> synced/rejected with its stamp is allowed');
END;

-- Bearer tokens for the HTTP API; only the SHA-256 of a token is stored.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);
