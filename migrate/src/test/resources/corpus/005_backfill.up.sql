BEGIN;
UPDATE jobs SET state = 'queued' WHERE state = 'new';
COMMIT;

-- A block the file rolls back itself: none of it stays.
BEGIN;
DELETE FROM jobs;
ROLLBACK;

BEGIN;
UPDATE accounts SET motto = 'backfilled' WHERE motto IS NULL;
END;
