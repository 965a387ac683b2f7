-- Durable ingestion jobs (issue 5 §3). A data source in 'processing' with its stored raw file IS the
-- job; attempts counts how often a server started it, so a file that kills the server every time
-- is failed after a few restarts instead of being retried forever.
ALTER TABLE data_sources ADD COLUMN attempts INTEGER DEFAULT 0 NOT NULL;
