-- Product search (?q=) matches part of the name or the SKU, case-insensitive.
-- Trigram indexes serve it, so that a search costs about the same in a
-- catalog of a thousand products or of millions (a sequential ILIKE scan
-- grew with the catalog).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX products_name_trgm_idx ON products USING gin (name gin_trgm_ops);
CREATE INDEX products_sku_trgm_idx ON products USING gin (sku gin_trgm_ops);
-- The active filter, in the list's own order.
CREATE INDEX products_active_created_idx ON products (active, created_at DESC, id DESC);
