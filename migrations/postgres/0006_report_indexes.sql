-- The admin report and dashboard over a million updates. The report reads newest first within
-- a status, an agent, or both (each also counts its rows from the same index); the dashboard
-- reads the last 30 days by capture time, day, reason, agent and status from one covering
-- index. The single-column status and agent indexes are prefixes of the new ones.
DROP INDEX contact_updates_status;
DROP INDEX contact_updates_agent;
DROP INDEX contact_updates_captured_at;
CREATE INDEX contact_updates_status_captured ON contact_updates (status, captured_at);
CREATE INDEX contact_updates_agent_captured ON contact_updates (agent_id, captured_at);
CREATE INDEX contact_updates_agent_status_captured ON contact_updates (agent_id, status, captured_at);
CREATE INDEX contact_updates_captured_cover ON contact_updates (captured_at, agent_id, status, update_reason);
