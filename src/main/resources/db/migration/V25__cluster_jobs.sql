-- One run per period of each scheduled job, whatever the number of portal instances: the instance that moves
-- ran_at forward runs the job.
CREATE TABLE portal.job_run (
    job    text PRIMARY KEY CHECK (length(job) BETWEEN 1 AND 100),
    ran_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON portal.job_run TO ${app_role};
