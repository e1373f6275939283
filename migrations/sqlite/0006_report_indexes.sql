-- The admin report reads newest first within a status or an agent.
CREATE INDEX contact_updates_status_captured ON contact_updates (status, captured_at);
CREATE INDEX contact_updates_agent_captured ON contact_updates (agent_id, captured_at);
