-- Case-insensitive text, for e-mail addresses.
CREATE EXTENSION IF NOT EXISTS citext;

-- Keeps updated_at true on every mutable table without trusting callers to set it.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
