package io.distillery.store;

import org.junit.jupiter.api.AfterEach;

class EmbeddedSampleStoreTest extends SampleStoreContract {
    private SampleStore store;

    @Override
    SampleStore store() {
        if (store == null) {
            store = JdbcSampleStore.embedded(tmp.resolve("db"));
        }
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }
}
