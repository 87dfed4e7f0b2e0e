UPDATE jobs SET state = 'new' WHERE state = 'queued';
