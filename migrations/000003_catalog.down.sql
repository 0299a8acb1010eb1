DROP TABLE IF EXISTS stock_adjustments;
DROP TABLE IF EXISTS inventory;
DROP TABLE IF EXISTS products;
