-- Addresses were stored as typed: some with spaces around them, some with a
-- display name ("Admin <admin@example.com>"), look-alikes of other accounts.
-- From now on an address is bare and trimmed (users_email_bare); citext
-- already makes it unique case-insensitively.
--
-- Existing rows: each address becomes its bare form. Where several accounts
-- share a bare form, the one already stored bare (else the oldest) keeps it;
-- the look-alikes are deactivated and get a placeholder address an operator
-- can change. Every address changed here is kept in user_email_originals,
-- from which the down migration restores it.
CREATE TABLE user_email_originals (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    original_email citext NOT NULL,
    look_alike     boolean NOT NULL, -- deactivated, with a placeholder address
    was_active     boolean NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TEMPORARY TABLE email_fix ON COMMIT DROP AS
SELECT id, original, bare, is_active,
       row_number() OVER (PARTITION BY lower(bare) ORDER BY original = bare DESC, created_at, id) > 1 AS look_alike
FROM (
    SELECT id, created_at, is_active, email::text AS original,
           regexp_replace(coalesce(nullif(substring(email::text from '<([^<>]*)>[[:space:]]*$'), ''), email::text),
                          '^[[:space:]]+|[[:space:]]+$', '', 'g') AS bare
    FROM users
) addresses;

DELETE FROM email_fix WHERE original = bare AND NOT look_alike;

INSERT INTO user_email_originals (user_id, original_email, look_alike, was_active)
SELECT id, original, look_alike, is_active FROM email_fix;

-- Look-alikes first, so that no keeper's new address is still held.
UPDATE users SET email = 'look-alike-' || users.id || '@invalid', is_active = false
FROM email_fix WHERE email_fix.id = users.id AND email_fix.look_alike;

UPDATE users SET email = email_fix.bare
FROM email_fix WHERE email_fix.id = users.id AND NOT email_fix.look_alike;

ALTER TABLE users ADD CONSTRAINT users_email_bare CHECK (email::text !~ '[[:space:]<>]');
