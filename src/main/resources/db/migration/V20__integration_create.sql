-- Credentials for the services Till talks to, one per type and account. Secret fields of config (password,
-- auth_token, api_key, access_token, token, secret) hold only values sealed by SecretBox, never clear text.
CREATE TABLE integrations (
    account_id text        NOT NULL REFERENCES accounts (id),
    type       text        NOT NULL,
    config     jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, type)
);

-- How the account's messages look and who they come from.
CREATE TABLE account_branding (
    account_id    text        PRIMARY KEY REFERENCES accounts (id),
    sender_name   text,
    support_email text,
    company_name  text,
    logo_url      text,
    brand_color   text,
    updated_at    timestamptz NOT NULL
);

-- The dev mailbox: what would have been sent had an SMTP or SMS provider been configured.
CREATE TABLE dev_messages (
    id           text        PRIMARY KEY,
    account_id   text        NOT NULL REFERENCES accounts (id),
    kind         text        NOT NULL CHECK (kind IN ('email', 'sms')),
    to_address   text        NOT NULL,
    from_address text        NOT NULL,
    subject      text,
    text_body    text,
    html_body    text,
    headers      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX dev_messages_account ON dev_messages (account_id, id DESC);

-- One row per message step, keyed on the step's idempotency key: a retried or resumed step that finds its key 'sent'
-- answers the recorded output instead of sending again.
CREATE TABLE message_sends (
    account_id      text        NOT NULL REFERENCES accounts (id),
    idempotency_key text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('email', 'sms')),
    status          text        NOT NULL CHECK (status IN ('sending', 'sent')),
    output          jsonb,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
