-- The store's time zone (an IANA name such as Europe/Berlin), in which emails and receipts write their days. Null
-- means UTC, as every account had before this column.
ALTER TABLE account_branding ADD COLUMN time_zone text CHECK (char_length(time_zone) <= 64);
