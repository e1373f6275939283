-- Search results are ordered by name; the folded name ("emilie duval") sits in the term index
-- so ordering reads one covering index range instead of every matching contact row.
ALTER TABLE contacts ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_name_terms ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX contact_name_terms_sorted ON contact_name_terms (term, name_key, contact_id);
-- Rebuilt with the sort keys at the next start (see Db::index_missing_names).
DELETE FROM contact_name_terms;
