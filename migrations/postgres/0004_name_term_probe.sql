-- A multi-word search walks the rarest word's range and probes the other words per contact:
-- (contact_id, term) answers each probe from the index alone.
DROP INDEX contact_name_terms_contact;
CREATE INDEX contact_name_terms_contact ON contact_name_terms (contact_id, term);
