-- The email outbox: every message the application sends is stored first, then delivered by
-- the background sender (mail.transport = "smtp") or kept for the admin (transport "outbox").
CREATE TABLE email_messages (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,               -- 'payment_qr'
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    qr_payload      TEXT,                           -- drawn into the inline image at send time
    contact_id      BIGINT  REFERENCES contacts (id),
    policy_number   TEXT,
    created_by      BIGINT  REFERENCES users (id),
    created_at      BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('stored', 'queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error      TEXT,
    sent_at         BIGINT
);
CREATE INDEX email_messages_due ON email_messages (status, next_attempt_at);
CREATE INDEX email_messages_created ON email_messages (created_at);
CREATE INDEX email_messages_contact ON email_messages (contact_id);
