-- Token scopes, call recordings and the leads the phones create.

-- A token is for a phone (`upload`: it can upload recordings and nothing else) or for an
-- integration (`api`: it acts with its user's role). Tokens issued before scopes were API tokens.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'api' CHECK (scope IN ('upload', 'api'));
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN revoked_by BIGINT REFERENCES users (id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The number a lead was created for by an upload: unique, so twenty concurrent uploads from one
-- new number create one lead (the loser of the race finds the winner's row). NULL for every
-- other contact, and NULLs do not collide.
ALTER TABLE contacts ADD COLUMN lead_phone TEXT;
CREATE UNIQUE INDEX contacts_lead_phone ON contacts (lead_phone);

-- One recorded call. call_id is the phone's own UUID: a retried upload finds its first record.
-- phone is E.164, NULL when the number was withheld (phone_raw keeps what the phone showed).
CREATE TABLE call_logs (
    id               INTEGER PRIMARY KEY,
    call_id          TEXT    NOT NULL UNIQUE,
    contact_id       BIGINT  REFERENCES contacts (id),
    phone            TEXT,
    phone_raw        TEXT    NOT NULL,
    direction        TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    started_at       BIGINT  NOT NULL,
    duration_seconds BIGINT  NOT NULL CHECK (duration_seconds >= 0),
    agent_id         BIGINT  NOT NULL REFERENCES users (id),
    token_id         BIGINT  REFERENCES api_tokens (id),
    audio_key        TEXT    NOT NULL,
    audio_size       BIGINT  NOT NULL,
    audio_sha256     TEXT    NOT NULL,
    audio_type       TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX call_logs_contact ON call_logs (contact_id, started_at);
CREATE INDEX call_logs_started ON call_logs (started_at);
CREATE INDEX call_logs_agent ON call_logs (agent_id, started_at);
CREATE INDEX call_logs_phone ON call_logs (phone, started_at);

-- The other contacts sharing the number of a call (families share phones), for the agent to pick.
CREATE TABLE call_log_matches (
    call_log_id BIGINT NOT NULL REFERENCES call_logs (id),
    contact_id  BIGINT NOT NULL REFERENCES contacts (id),
    PRIMARY KEY (call_log_id, contact_id)
);
