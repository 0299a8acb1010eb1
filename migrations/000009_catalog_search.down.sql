DROP INDEX IF EXISTS products_active_created_idx;
DROP INDEX IF EXISTS products_sku_trgm_idx;
DROP INDEX IF EXISTS products_name_trgm_idx;
DROP EXTENSION IF EXISTS pg_trgm;
