-- name: CreateProduct :one
INSERT INTO products (sku, name, description, price_cents, currency, active)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *;

-- name: GetProduct :one
SELECT sqlc.embed(products), inventory.on_hand, inventory.reserved
FROM products JOIN inventory ON inventory.product_id = products.id
WHERE products.id = $1;

-- name: ListProducts :many
-- Filters are optional: NULL means "any".
SELECT sqlc.embed(products), inventory.on_hand, inventory.reserved
FROM products JOIN inventory ON inventory.product_id = products.id
WHERE (sqlc.narg('active')::boolean IS NULL OR products.active = sqlc.narg('active'))
  AND (sqlc.narg('search')::text IS NULL
       OR products.name ILIKE '%' || sqlc.narg('search') || '%'
       OR products.sku ILIKE '%' || sqlc.narg('search') || '%')
ORDER BY products.created_at DESC, products.id DESC
LIMIT sqlc.arg('limit') OFFSET sqlc.arg('offset');

-- name: CountProducts :one
SELECT count(*) FROM products
WHERE (sqlc.narg('active')::boolean IS NULL OR active = sqlc.narg('active'))
  AND (sqlc.narg('search')::text IS NULL
       OR name ILIKE '%' || sqlc.narg('search') || '%'
       OR sku ILIKE '%' || sqlc.narg('search') || '%');

-- name: GetProductsByIDs :many
SELECT * FROM products WHERE id = ANY(sqlc.arg('ids')::uuid[]);

-- name: UpdateProduct :one
UPDATE products SET
    sku         = coalesce(sqlc.narg('sku'), sku),
    name        = coalesce(sqlc.narg('name'), name),
    description = coalesce(sqlc.narg('description'), description),
    price_cents = coalesce(sqlc.narg('price_cents'), price_cents),
    currency    = coalesce(sqlc.narg('currency'), currency),
    active      = coalesce(sqlc.narg('active'), active)
WHERE id = sqlc.arg('id')
RETURNING *;

-- name: ProductIsOrdered :one
SELECT EXISTS (SELECT 1 FROM order_lines WHERE product_id = $1);

-- name: DeleteProduct :execrows
DELETE FROM products WHERE id = $1;

-- name: UpsertProductBySKU :one
-- Demo data: idempotent by sku.
INSERT INTO products (sku, name, description, price_cents, currency, active)
VALUES ($1, $2, $3, $4, $5, true)
ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description
RETURNING *;
