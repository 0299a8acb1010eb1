ALTER TABLE orders DROP COLUMN trace_context;
