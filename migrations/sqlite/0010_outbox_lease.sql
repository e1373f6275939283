-- The email sender, shared safely, and the admin's resend and cancel.
-- A message is claimed with a lease (`claimed_by`, `lease_until`) before it is sent, so two
-- ContactDesk instances on one database never send it at the same time, and a message whose
-- sender died mid-send is taken up again once its lease has run out. A resend is a new message
-- pointing at the one it repeats (`resend_of`); a cancelled queued message is kept, marked.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (nothing refers to it).
CREATE TABLE email_messages_v2 (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    qr_payload      TEXT,
    contact_id      BIGINT  REFERENCES contacts (id),
    policy_number   TEXT,
    created_by      BIGINT  REFERENCES users (id),
    created_at      BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('stored', 'queued', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    claimed_by      TEXT,
    lease_until     BIGINT,
    resend_of       BIGINT  REFERENCES email_messages_v2 (id),
    cancelled_at    BIGINT,
    cancelled_by    BIGINT  REFERENCES users (id)
);
INSERT INTO email_messages_v2 (id, kind, to_address, subject, text_body, html_body, qr_payload, contact_id,
    policy_number, created_by, created_at, status, attempts, next_attempt_at, last_error, sent_at)
SELECT id, kind, to_address, subject, text_body, html_body, qr_payload, contact_id,
    policy_number, created_by, created_at, status, attempts, next_attempt_at, last_error, sent_at
FROM email_messages;
DROP TABLE email_messages;
ALTER TABLE email_messages_v2 RENAME TO email_messages;
CREATE INDEX email_messages_due ON email_messages (status, next_attempt_at);
CREATE INDEX email_messages_created ON email_messages (created_at);
CREATE INDEX email_messages_contact ON email_messages (contact_id, created_at);
CREATE INDEX email_messages_to ON email_messages (to_address);
CREATE INDEX email_messages_policy ON email_messages (policy_number);
