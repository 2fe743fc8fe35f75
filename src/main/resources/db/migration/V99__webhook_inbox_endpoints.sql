-- The endpoints an event is for, as they were when it was recorded (enabled, subscribed to its type): an endpoint
-- created or enabled after it is not sent it. Rows left from before this have none, and go to the endpoints there when
-- the feed takes them, as they did.
ALTER TABLE webhook_inbox ADD COLUMN endpoint_ids text[];
