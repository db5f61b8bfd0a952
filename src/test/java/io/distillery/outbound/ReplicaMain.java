package io.distillery.outbound;

import io.distillery.store.StoreDataSources;
import java.time.Duration;
import java.util.Map;

/**
 * A gateway replica in its own JVM, for the test that kills one mid-delivery: C-STORE destination on the shared
 * PostgreSQL, 2 s lease. Args: JDBC URL, remote AET@host:port. Runs until killed.
 */
public final class ReplicaMain {
    private ReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        var db = StoreDataSources.pooled(args[0], "postgres", null, 4);
        new OutboundHarness(db, OutboundHarness.QUICK_RETRY, Duration.ofSeconds(2), Map.of(
                "distillery.outbound.cstore.enabled", "true", "distillery.outbound.cstore.remote", args[1]));
        System.out.println("replica running");
        Thread.sleep(Long.MAX_VALUE);
    }
}
