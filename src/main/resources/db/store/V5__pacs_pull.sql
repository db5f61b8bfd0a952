-- Studies already retrieved by routes/pacs-pull.yaml (Camel's JdbcMessageIdRepository, processorName 'pacs-pull'),
-- shared by all gateway replicas. Created here rather than by Camel at start: on PostgreSQL its check-then-create
-- fails inside a transaction, and two replicas starting at once would race.
CREATE TABLE CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255) NOT NULL,
    messageId     VARCHAR(100) NOT NULL,
    createdAt     TIMESTAMP,
    PRIMARY KEY (processorName, messageId)
);
