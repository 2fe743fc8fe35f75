-- Browsers that signed in to the dashboard with an email (OWASP's device cookies): five wrong passwords lock an email
-- for every other browser, but not for one its owner signed in from before, so knowing someone's email is not enough
-- to keep them out. The cookie holds a random token; only its SHA-256 is kept, beside the email's subject as
-- sign_in_attempts names it. A known browser's own failures count under 'device:<token hash>'.
CREATE TABLE sign_in_devices (
    token_hash    text PRIMARY KEY,
    email_subject text        NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX sign_in_devices_created_idx ON sign_in_devices (created_at);
