-- name: CreateProduct :one
INSERT INTO products (sku, name, description, price_cents, currency, active, low_stock_threshold)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: GetProduct :one
SELECT sqlc.embed(products), inventory.on_hand, inventory.reserved
FROM products JOIN inventory ON inventory.product_id = products.id
WHERE products.id = $1;

-- name: ListProducts :many
-- A page of the catalog, newest first: after a keyset position (the
-- cursor; NULL for the first page) or past skip rows (old clients' offset
-- paging, which reads every row it skips). Filters are optional (NULL:
-- any); search is served by the trigram indexes. The page is chosen before
-- the stock is joined, so a search reads the stock of its page alone.
SELECT sqlc.embed(products), inventory.on_hand, inventory.reserved
FROM (
    SELECT * FROM products p
    WHERE (sqlc.narg('active')::boolean IS NULL OR p.active = sqlc.narg('active'))
      AND (sqlc.narg('search')::text IS NULL
           OR p.name ILIKE '%' || sqlc.narg('search') || '%'
           OR p.sku ILIKE '%' || sqlc.narg('search') || '%')
      AND (sqlc.narg('after_created')::timestamptz IS NULL
           OR (p.created_at, p.id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid))
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT sqlc.arg('limit') OFFSET sqlc.arg('skip')
) AS products
JOIN inventory ON inventory.product_id = products.id
ORDER BY products.created_at DESC, products.id DESC;

-- name: ListProductsInWindow :many
-- A search's first try: the newest @window products past the cursor,
-- walked in the list's order on its index and filtered. A word that many
-- products share fills a page from them at once (the trigram index would
-- read every match to sort them); a rarer one does not, and ListProducts
-- searches the index.
SELECT sqlc.embed(products), inventory.on_hand, inventory.reserved
FROM (
    SELECT * FROM (
        SELECT * FROM products p
        WHERE (sqlc.narg('active')::boolean IS NULL OR p.active = sqlc.narg('active'))
          AND (sqlc.narg('after_created')::timestamptz IS NULL
               OR (p.created_at, p.id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid))
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT sqlc.arg('window')
    ) w
    WHERE w.name ILIKE '%' || sqlc.arg('search')::text || '%' OR w.sku ILIKE '%' || sqlc.arg('search')::text || '%'
    ORDER BY w.created_at DESC, w.id DESC
    LIMIT sqlc.arg('limit')
) AS products
JOIN inventory ON inventory.product_id = products.id
ORDER BY products.created_at DESC, products.id DESC;

-- name: CountProducts :one
-- Every match, when a client asks for the count: it reads them all.
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
    active      = coalesce(sqlc.narg('active'), active),
    low_stock_threshold = coalesce(sqlc.narg('low_stock_threshold'), low_stock_threshold)
WHERE id = sqlc.arg('id')
RETURNING *;

-- name: DeleteProduct :execrows
-- Refused by order_lines_product_id_fkey when orders reference the product.
DELETE FROM products WHERE id = $1;

-- name: UpsertProductBySKU :one
-- Demo data: idempotent by sku.
INSERT INTO products (sku, name, description, price_cents, currency, active)
VALUES ($1, $2, $3, $4, $5, true)
ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description
RETURNING *;
