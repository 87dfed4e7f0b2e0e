DELETE FROM jobs WHERE id = 4;
DROP FUNCTION double_it(int);
DROP FUNCTION job_count(text);
