-- PostgreSQL twin of migrations/sqlite/0003.
ALTER TABLE contacts ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE contact_name_terms ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX contact_name_terms_sorted ON contact_name_terms (term, name_key, contact_id);
DELETE FROM contact_name_terms;
