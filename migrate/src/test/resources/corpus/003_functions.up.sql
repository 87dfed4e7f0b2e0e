BEGIN;

-- A tagged dollar quote holding semicolons, BEGIN/END and a nested, differently tagged quote.
CREATE FUNCTION job_count(p_state text) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
    n bigint;
BEGIN
    EXECUTE $q$SELECT count(*) FROM jobs WHERE state = $1; -- END; COMMIT;$q$ INTO n USING p_state;
    IF n IS NULL THEN
        RETURN 0;
    END IF;
    RETURN n;
END;
$fn$;

-- A function body in the SQL standard's form: BEGIN ATOMIC ... END is one statement.
CREATE FUNCTION double_it(x int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
    SELECT CASE WHEN x IS NULL THEN 0 ELSE x * 2 END;
END;

COMMIT;

-- A DO block outside any transaction block: its BEGIN/END are PL/pgSQL, not transaction control.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM jobs WHERE id = 4) THEN
        INSERT INTO jobs (id, note) VALUES (4, $n$it's done; COMMIT;$n$);
    END IF;
END
$$;
