-- Cannot run in a transaction block: Flux runs this file outside one.
CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_state_idx ON jobs (state);
