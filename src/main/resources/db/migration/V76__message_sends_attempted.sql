-- Whether a message reserved under its key was handed to the SMTP server: a retry of one that was, and whose answer
-- never came (the connection dropped after the data), may deliver it twice and says so; one refused before delivery
-- (a 4xx or 5xx reply, a connection refused) is sent again as if for the first time.
ALTER TABLE message_sends ADD COLUMN attempted boolean NOT NULL DEFAULT false;
