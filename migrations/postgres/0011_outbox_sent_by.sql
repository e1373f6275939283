-- Which sender (instance) delivered a message: leases are cleared once the outcome is recorded,
-- and with several ContactDesk instances on one database the delivery's record names its sender.
ALTER TABLE email_messages ADD COLUMN sent_by TEXT;
