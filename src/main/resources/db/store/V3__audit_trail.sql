-- The append-only audit trail: who did what, when, to which package (id and SHA-256 of its exact manifest).
-- Rows are only ever inserted (the application has no update or delete). Each row carries the hash of the row
-- before it and its own hash over its content, so an edited, deleted or reordered row breaks the chain that
-- AuditTrail.verify() recomputes. seq is the primary key: two writers can never both append the same position.
-- In production, also REVOKE UPDATE, DELETE ON audit_event from the gateway's database role (docs/review.md).
CREATE TABLE audit_event (
    seq              BIGINT PRIMARY KEY,
    occurred_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    actor            VARCHAR(128) NOT NULL,
    action           VARCHAR(32) NOT NULL,
    package_id       VARCHAR(128),
    manifest_sha256  CHAR(64),
    details          VARCHAR(8000) NOT NULL,
    prev_hash        CHAR(64) NOT NULL,
    hash             CHAR(64) NOT NULL
);
CREATE INDEX audit_event_package ON audit_event (package_id);
