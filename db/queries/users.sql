-- name: CreateUser :one
INSERT INTO users (email, full_name, password_hash, is_active, role)
VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: CreateUserIfMissing :execrows
-- The first admin: created once, never overwritten at a later start.
INSERT INTO users (email, full_name, password_hash, is_active, role)
VALUES ($1, $2, $3, true, 'admin')
ON CONFLICT (email) DO NOTHING;

-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: GetUserByEmail :one
SELECT * FROM users WHERE email = $1;

-- name: ListUsers :many
-- A page of users, newest first: after a keyset position (the cursor; NULL
-- for the first page) or past skip rows (old clients' offset paging).
SELECT * FROM users
WHERE sqlc.narg('after_created')::timestamptz IS NULL
   OR (created_at, id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid)
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg('limit') OFFSET sqlc.arg('skip');

-- name: CountUsers :one
SELECT count(*) FROM users;

-- name: UpdateUser :one
-- Only the fields given change; the password never changes here.
UPDATE users SET
    email        = coalesce(sqlc.narg('email'), email),
    full_name    = coalesce(sqlc.narg('full_name'), full_name),
    is_active    = coalesce(sqlc.narg('is_active'), is_active),
    role         = coalesce(sqlc.narg('role')::user_role, role)
WHERE id = sqlc.arg('id')
RETURNING *;

-- name: SetPassword :one
-- Any password change revokes every token issued before it.
UPDATE users SET password_hash = $2, token_version = token_version + 1
WHERE id = $1
RETURNING *;

-- name: RehashPassword :exec
-- A stronger hash of the same password: tokens stay valid.
UPDATE users SET password_hash = $2 WHERE id = $1;

-- name: DeleteUser :execrows
DELETE FROM users WHERE id = $1;

-- name: GetUserForUpdate :one
-- Locks the row: two resets with one token cannot both pass the version check.
SELECT * FROM users WHERE id = $1 FOR UPDATE;

-- name: LockActiveAdmins :many
-- Held while a change could take an admin away, so that the check that
-- one remains and the change are one step.
SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE;

-- name: ActiveAdminEmails :many
SELECT email FROM users WHERE role = 'admin' AND is_active ORDER BY email;
