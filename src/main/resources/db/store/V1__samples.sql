-- Accepted training samples: one row per de-identified SOP instance, written in one transaction.
CREATE TABLE sample (
    sample_key          VARCHAR(128) PRIMARY KEY,
    study_key           VARCHAR(128),
    patient_key         VARCHAR(128),
    label               VARCHAR(128) NOT NULL,
    modality            VARCHAR(16),
    sop_class_uid       VARCHAR(64),
    transfer_syntax_uid VARCHAR(64),
    route               VARCHAR(128),
    received_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    height              INTEGER NOT NULL,
    width               INTEGER NOT NULL,
    pixels              BYTEA NOT NULL,
    pixels_sha256       CHAR(64) NOT NULL
);
CREATE INDEX sample_label ON sample (label);

-- Instances that could not be labelled (or were otherwise held back): visible and countable, never dropped.
CREATE TABLE parked (
    instance_key  VARCHAR(128) PRIMARY KEY,
    reason        VARCHAR(512) NOT NULL,
    modality      VARCHAR(16),
    sop_class_uid VARCHAR(64),
    route         VARCHAR(128),
    file_path     VARCHAR(1024),
    parked_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
