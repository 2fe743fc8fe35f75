-- Sign-in attempts on the dashboard form, for the sliding-window throttle (io.till.access.SignInThrottle). An attempt
-- is written before the password is checked and deleted when it succeeds, so every row left is a failure; several
-- nodes share the table, hence the count. No account_id: nobody is signed in yet, and the email may belong to no one.
CREATE TABLE sign_in_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 'email:<SHA-256 of the lower-cased email>' (no address kept in clear) or 'address:<client IP>'
    subject      text        NOT NULL,
    attempted_at timestamptz NOT NULL
);
CREATE INDEX sign_in_attempts_subject_idx ON sign_in_attempts (subject, attempted_at);
CREATE INDEX sign_in_attempts_time_idx ON sign_in_attempts (attempted_at);
