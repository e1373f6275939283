-- PostgreSQL twin of migrations/sqlite/0009.
-- The Contacts list: every contact by name, or those of one status by name, read as one index
-- range (the search's own order: the folded name, then the id).
CREATE INDEX contacts_by_name ON contacts (name_key, id);
CREATE INDEX contacts_status_by_name ON contacts (status, name_key, id);
DROP INDEX contacts_status;

-- A lead's first number is its original value, as the master's is a customer's: a rejected
-- correction of the lead falls back to it instead of to nothing. Leads the phones created
-- before this kept it in lead_phone only.
UPDATE contacts SET master_mobile = mobile
WHERE customer_id IS NULL AND master_mobile IS NULL AND mobile IS NOT NULL AND mobile = lead_phone;
