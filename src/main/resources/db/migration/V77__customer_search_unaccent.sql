-- Search finds "Zoë" for "Zoe" and "O’Brien" for "O'Brien" (and the reverse): names and needles are compared folded,
-- lower case without accents, curly quotes as straight ones (unaccent's rules map ’ ‘ ʼ to ').
-- unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it, as pg_trgm.
CREATE EXTENSION IF NOT EXISTS unaccent;

-- An index needs an IMMUTABLE function, and unaccent(text) is only STABLE because it looks its dictionary up through
-- search_path. The SQL-standard body binds the dictionary and functions when the function is created (PostgreSQL 14+),
-- so the result never depends on the caller's search_path.
CREATE FUNCTION customer_search_text(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(unaccent('unaccent'::regdictionary, $1));

DROP INDEX customers_search_idx;
-- Search as you type: any part of the name or email, folded, within one account.
CREATE INDEX customers_search_idx ON customers
    USING gin (account_id, customer_search_text(name || ' ' || email) gin_trgm_ops);
