-- A recording is moved into place before its call log is committed. Should the process die in
-- between, the file would stay with no row: every key is written here before the move and
-- removed once its upload is answered, so the server finds what a crash left and clears it
-- itself (after a grace period, never an upload in flight) without listing every recording.
CREATE TABLE recording_intents (
    key        TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL
);
