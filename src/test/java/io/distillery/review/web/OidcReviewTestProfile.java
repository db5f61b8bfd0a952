package io.distillery.review.web;

import io.distillery.testsupport.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The gateway as an operator configures it for OIDC sign-in: a fresh store, no embedded users at all, and the
 * identity provider (a real Keycloak, {@link KeycloakServer}) supplying users and roles.
 */
public class OidcReviewTestProfile implements QuarkusTestProfile {
    static final Path DIR;
    static final int SCP_PORT;

    static {
        try {
            DIR = Files.createTempDirectory("review-oidc-test");
            SCP_PORT = FreePorts.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("distillery.store.dir", DIR.resolve("store").toString()),
                Map.entry("distillery.scp.spool-dir", DIR.resolve("spool").toString()),
                Map.entry("distillery.scp.port", Integer.toString(SCP_PORT)),
                Map.entry("distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + DIR.resolve("aggregation")),
                Map.entry("DISTILLERY_DEID_SECRET", "review-oidc-test-secret-0123456789"),
                Map.entry("distillery.outbound.folder.directory", DIR.resolve("outbound").toString()));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KeycloakServer.class));
    }
}
