package io.distillery.gateway;

import io.distillery.testsupport.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The gateway on free ports with its store, spool, aggregation database and distillation runs in a fresh temporary
 * folder.
 */
public class GatewayTestProfile implements QuarkusTestProfile {
    static final Path DIR;
    static final int PORT;

    static {
        try {
            DIR = Files.createTempDirectory("gateway-test");
            PORT = FreePorts.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("distillery.store.dir", DIR.resolve("store").toString()),
                Map.entry("distillery.scp.spool-dir", DIR.resolve("spool").toString()),
                Map.entry("distillery.scp.port", Integer.toString(PORT)),
                Map.entry("distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + DIR.resolve("aggregation")),
                // a short distillation in a temporary folder; the schedule never fires during the tests
                Map.entry("distillery.distillation.work-dir", DIR.resolve("distillations").toString()),
                Map.entry("distillery.distillation.signing-key", DIR.resolve("keys/signing.key").toString()),
                Map.entry("distillery.distillation.iterations", "2"),
                Map.entry("distillery.distillation.check-period", "1h"),
                // a threshold the tests' few instances can cross
                Map.entry("distillery.distillation.min-samples-per-label", "1"),
                Map.entry("distillery.distillation.min-new-samples", "2"),
                Map.entry("quarkus.http.test-port", "0"),
                // Read under the variable's name (see IngestProcessor); a test-only value, not a real secret.
                Map.entry("DISTILLERY_DEID_SECRET", "gateway-test-secret-0123456789"));
    }
}
