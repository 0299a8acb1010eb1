DROP TABLE audit_log;
DROP TABLE api_keys;
ALTER TABLE users ADD COLUMN is_superuser boolean NOT NULL DEFAULT false;
UPDATE users SET is_superuser = true WHERE role = 'admin';
ALTER TABLE users DROP COLUMN role;
DROP TYPE user_role;
