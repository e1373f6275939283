-- Sign-in throttling: one row per counted key (a username and client, a username, an address),
-- shared by every instance on this database. The check and the count are one conditional
-- upsert, so parallel attempts cannot pass a limit together. Rows idle for the failure memory
-- are purged while the server runs.
DROP TABLE login_failures;

CREATE TABLE sign_in_throttle (
    key           TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL,
    blocked_until BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX sign_in_throttle_updated_at ON sign_in_throttle (updated_at);
