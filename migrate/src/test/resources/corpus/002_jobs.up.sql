-- golang-migrate style: the file manages its own transactions, with plain statements between blocks.
CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL DEFAULT 'new');

BEGIN;
INSERT INTO jobs (id) VALUES (1), (2);
UPDATE jobs SET state = 'done' WHERE id = 1;
COMMIT;

ALTER TABLE jobs ADD COLUMN note text;

START TRANSACTION;
INSERT INTO jobs (id, note) VALUES (3, 'BEGIN; inside a string; END;');
END;
