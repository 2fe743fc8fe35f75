-- The receipts' sweep looks every minute, on every node, for sends promised and not yet made: it reads those alone,
-- not every email and text ever sent.
CREATE INDEX message_sends_promised_idx ON message_sends (updated_at) WHERE status = 'sending';
