-- An export's file is written after its rows are recorded; it may fail half-way (disk full, a
-- crash). Only an export whose file was completely written may be marked synced, or rows would
-- be marked synced that never reached the master system. Earlier exports were served whole or
-- not at all, so they count as complete.
ALTER TABLE exports ADD COLUMN completed_at BIGINT;
UPDATE exports SET completed_at = created_at;
