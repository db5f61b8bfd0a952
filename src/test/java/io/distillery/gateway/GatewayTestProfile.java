package io.distillery.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The gateway on a free port with its store, spool and aggregation database in a fresh temporary folder. */
public class GatewayTestProfile implements QuarkusTestProfile {
    static final Path DIR;
    static final int PORT;

    static {
        try (ServerSocket s = new ServerSocket(0)) {
            DIR = Files.createTempDirectory("gateway-test");
            PORT = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "distillery.store.dir", DIR.resolve("store").toString(),
                "distillery.scp.spool-dir", DIR.resolve("spool").toString(),
                "distillery.scp.port", Integer.toString(PORT),
                "distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + DIR.resolve("aggregation"),
                // Read under the variable's name (see IngestProcessor); a test-only value, not a real secret.
                "DISTILLERY_DEID_SECRET", "gateway-test-secret-0123456789");
    }
}
