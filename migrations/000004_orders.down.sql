DROP TABLE IF EXISTS shipments;
DROP TABLE IF EXISTS payments;
DROP TABLE IF EXISTS stock_reservations;
DROP TABLE IF EXISTS order_events;
DROP FUNCTION IF EXISTS order_events_append_only();
DROP TABLE IF EXISTS order_lines;
DROP TABLE IF EXISTS orders;
DROP TYPE IF EXISTS order_status;
