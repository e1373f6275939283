-- The report leaves new leads out unless asked (`u.customer_id IS NOT NULL`). Over a million
-- updates that condition cost a table read per row the other indexes found (a page of one
-- agent's pending went from milliseconds to 700 ms): these partial indexes hold the master
-- system's customers' updates only, in the report's orders, so the default filter reads and
-- counts from an index again. Leads are few; the full indexes stay for `leads=include`/`only`.
CREATE INDEX contact_updates_customers_status ON contact_updates (status, captured_at) WHERE customer_id IS NOT NULL;
CREATE INDEX contact_updates_customers_agent ON contact_updates (agent_id, captured_at) WHERE customer_id IS NOT NULL;
CREATE INDEX contact_updates_customers_agent_status ON contact_updates (agent_id, status, captured_at) WHERE customer_id IS NOT NULL;
CREATE INDEX contact_updates_customers_captured ON contact_updates (captured_at) WHERE customer_id IS NOT NULL;
