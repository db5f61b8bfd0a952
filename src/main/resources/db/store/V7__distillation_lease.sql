-- Distillation is one job per installation, however many gateway replicas share this database. The single row
-- says which replica runs it now (holder, run_id, lease_until: a compare-and-set claim that expires if the replica
-- dies) and how many samples the last successful run used, so the cohort-threshold schedule on every replica
-- agrees on whether the store grew enough for another run.
CREATE TABLE distillation_lease (
    name              VARCHAR(32) PRIMARY KEY,
    holder            VARCHAR(128),
    run_id            VARCHAR(128),
    lease_until       TIMESTAMP WITH TIME ZONE,
    last_run_samples  BIGINT NOT NULL,
    last_outcome      VARCHAR(16),
    last_error        VARCHAR(2048),
    last_finished_at  TIMESTAMP WITH TIME ZONE
);
INSERT INTO distillation_lease (name, last_run_samples) VALUES ('cohort', 0);
