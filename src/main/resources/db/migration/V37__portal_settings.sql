-- What the seller lets buyers do in the customer portal and which receipt emails go out (PRODUCT.md §6, seed 003).
-- An account without a row has PortalSettings.DEFAULTS: the row appears at the first PUT.
CREATE TABLE portal_settings (
    account_id                    text        PRIMARY KEY REFERENCES accounts (id),
    self_cancel                   boolean     NOT NULL,
    cancel_reasons                text[]      NOT NULL,
    -- Origins only (scheme, host, port), checked before saving: the portal puts them into CSP frame-ancestors.
    allowed_embed_origins         text[]      NOT NULL,
    card_link_validity_seconds    bigint      NOT NULL CHECK (card_link_validity_seconds BETWEEN 3600 AND 2592000),
    receipt_initial_order         boolean     NOT NULL,
    receipt_subscription_renewals boolean     NOT NULL,
    receipt_plan_installments     boolean     NOT NULL,
    footer                        text,
    updated_at                    timestamptz NOT NULL
);
