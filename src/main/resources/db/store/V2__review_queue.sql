-- Packages waiting for, or past, the compliance review. A package is identified by its id and the SHA-256 of its
-- exact manifest bytes, so a decision can never be applied to a package that changed after it was reviewed.
CREATE TABLE review_package (
    package_id       VARCHAR(128) PRIMARY KEY,
    package_dir      VARCHAR(1024) NOT NULL,
    manifest_sha256  CHAR(64) NOT NULL,
    audit_verdict    VARCHAR(32),
    status           VARCHAR(16) NOT NULL,
    submitted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_by       VARCHAR(128),
    decided_at       TIMESTAMP WITH TIME ZONE,
    reason           VARCHAR(2048)
);
CREATE INDEX review_package_status ON review_package (status);
