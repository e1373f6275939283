-- PostgreSQL twin of migrations/sqlite/0010.
-- The email sender, shared safely, and the admin's resend and cancel (see the SQLite file).
ALTER TABLE email_messages DROP CONSTRAINT email_messages_status_check;
ALTER TABLE email_messages ADD CONSTRAINT email_messages_status_check
    CHECK (status IN ('stored', 'queued', 'sent', 'failed', 'cancelled'));
ALTER TABLE email_messages ADD COLUMN claimed_by TEXT;
ALTER TABLE email_messages ADD COLUMN lease_until BIGINT;
ALTER TABLE email_messages ADD COLUMN resend_of BIGINT REFERENCES email_messages (id);
ALTER TABLE email_messages ADD COLUMN cancelled_at BIGINT;
ALTER TABLE email_messages ADD COLUMN cancelled_by BIGINT REFERENCES users (id);
DROP INDEX email_messages_contact;
CREATE INDEX email_messages_contact ON email_messages (contact_id, created_at);
CREATE INDEX email_messages_to ON email_messages (to_address);
CREATE INDEX email_messages_policy ON email_messages (policy_number);
