-- The customer portal's own sign-in (io.till.portal), apart from the staff's servlet sessions. Only SHA-256 hashes of
-- tokens are stored: the tokens themselves live in the links sent and in the buyer's cookie.

-- Links that open a portal session once: made by the API (POST /api/v1/portal_sessions) or emailed (magic link).
-- Consumption is one UPDATE that sets used_at where it is still null and the link has not expired.
CREATE TABLE portal_links (
    token_hash  bytea PRIMARY KEY,
    account_id  text        NOT NULL REFERENCES accounts (id),
    customer_id text        NOT NULL REFERENCES customers (id),
    kind        text        NOT NULL CHECK (kind IN ('api', 'email')),
    return_url  text,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX portal_links_expiry_idx ON portal_links (expires_at);

-- A signed-in buyer. Ends after 30 minutes without a request, 12 hours after sign-in, or at sign-out (revoked_at);
-- times are real time, never the sandbox test clock. 'cards_only' sessions come from the card-update link in emails.
CREATE TABLE portal_sessions (
    id           text PRIMARY KEY,
    token_hash   bytea       NOT NULL UNIQUE,
    account_id   text        NOT NULL REFERENCES accounts (id),
    customer_id  text        NOT NULL REFERENCES customers (id),
    access       text        NOT NULL CHECK (access IN ('full', 'cards_only')),
    return_url   text,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX portal_sessions_customer_idx ON portal_sessions (account_id, customer_id);
CREATE INDEX portal_sessions_age_idx ON portal_sessions (created_at);

-- Card-update links are signed, not stored (an automation's dry run renders them without writing); this row, written
-- when one is used, is what makes each usable once.
CREATE TABLE portal_card_link_uses (
    nonce       text PRIMARY KEY,
    account_id  text        NOT NULL REFERENCES accounts (id),
    customer_id text        NOT NULL REFERENCES customers (id),
    used_at     timestamptz NOT NULL
);
