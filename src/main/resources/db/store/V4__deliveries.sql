-- Outbound delivery bookkeeping: one row per approved package (id + exact manifest hash) and destination.
-- A row is PENDING until a replica claims it by writing its lease (lease_owner, lease_until); a lease that
-- expires (the replica died mid-delivery) makes the row claimable again. DELIVERED and DEAD are final.
CREATE TABLE outbound_delivery (
    package_id       VARCHAR(128) NOT NULL,
    manifest_sha256  CHAR(64) NOT NULL,
    destination      VARCHAR(64) NOT NULL,
    package_dir      VARCHAR(1024) NOT NULL,
    status           VARCHAR(16) NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner      VARCHAR(128),
    lease_until      TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(2048),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (package_id, manifest_sha256, destination)
);
CREATE INDEX outbound_delivery_due ON outbound_delivery (destination, status, next_attempt_at);
