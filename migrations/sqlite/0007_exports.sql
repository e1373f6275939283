-- Every export of the contact-update report, with the exact updates it contained: "mark this
-- export as synced" changes those rows and no other (not one captured after the export).
CREATE TABLE exports (
    id         INTEGER PRIMARY KEY,
    actor_id   BIGINT  NOT NULL REFERENCES users (id),
    format     TEXT    NOT NULL CHECK (format IN ('csv', 'xlsx')),
    filter     TEXT    NOT NULL,
    row_count  BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE TABLE export_items (
    export_id BIGINT NOT NULL REFERENCES exports (id),
    update_id BIGINT NOT NULL REFERENCES contact_updates (id),
    PRIMARY KEY (export_id, update_id)
);

-- The dashboard counts what was synced this week.
CREATE INDEX contact_updates_synced_at ON contact_updates (synced_at);

-- The admin audit log is append-only, like the contact updates.
CREATE TRIGGER admin_audit_log_no_update
BEFORE UPDATE ON admin_audit_log
BEGIN
    SELECT RAISE(ABORT, 'admin_audit_log is append-only: entries cannot be changed');
END;

CREATE TRIGGER admin_audit_log_no_delete
BEFORE DELETE ON admin_audit_log
BEGIN
    SELECT RAISE(ABORT, 'admin_audit_log is append-only: entries cannot be deleted');
END;

CREATE INDEX admin_audit_log_action ON admin_audit_log (action, at);
