package io.distillery.review.web;

import io.distillery.testsupport.FreePorts;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The gateway with its store in a fresh folder, on a free HTTP port, and three test-only users whose passwords
 * are given as the documented hash (hex SHA-512 of "user:Distillery:password"), as an operator would configure them.
 */
public class ReviewTestProfile implements QuarkusTestProfile {
    static final String REVIEWER = "alice";
    static final String ADMIN = "root";
    static final String NOBODY = "mallory";
    static final String PASSWORD = "test-only-password-1";
    static final Path DIR;
    static final int SCP_PORT;

    static {
        try {
            DIR = Files.createTempDirectory("review-test");
            SCP_PORT = FreePorts.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String passwordHash(String user, String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512")
                    .digest((user + ":Distillery:" + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("quarkus.http.test-port", "0"),
                Map.entry("distillery.store.dir", DIR.resolve("store").toString()),
                Map.entry("distillery.scp.spool-dir", DIR.resolve("spool").toString()),
                Map.entry("distillery.scp.port", Integer.toString(SCP_PORT)),
                Map.entry("distillery.study-aggregation.jdbc-url", "jdbc:h2:file:" + DIR.resolve("aggregation")),
                Map.entry("DISTILLERY_DEID_SECRET", "review-test-secret-0123456789"),
                // the default outbound destination (folder), polled often so a test sees the export quickly
                Map.entry("distillery.outbound.poll-interval", "200"),
                Map.entry("distillery.outbound.folder.directory", DIR.resolve("outbound").toString()),
                Map.entry("quarkus.security.users.embedded.users." + REVIEWER, passwordHash(REVIEWER, PASSWORD)),
                Map.entry("quarkus.security.users.embedded.roles." + REVIEWER, "reviewer"),
                Map.entry("quarkus.security.users.embedded.users." + ADMIN, passwordHash(ADMIN, PASSWORD)),
                Map.entry("quarkus.security.users.embedded.roles." + ADMIN, "administrator"),
                // signed in, but with neither role
                Map.entry("quarkus.security.users.embedded.users." + NOBODY, passwordHash(NOBODY, PASSWORD)),
                Map.entry("quarkus.security.users.embedded.roles." + NOBODY, "guest"));
    }
}
