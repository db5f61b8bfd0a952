package io.distillery.review.web;

import io.distillery.testsupport.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A real Keycloak for the OIDC review test: the server distribution from Maven Central (unpacked into
 * target/keycloak by the maven-dependency-plugin, path in system property distillery.test.keycloak-home) started as
 * {@code kc.sh start-dev} on a free loopback port with an in-memory database and the realm
 * src/test/resources/keycloak/distillery-realm.json imported: client "distillery" and the users kc-reviewer
 * (reviewer), kc-admin (administrator) and kc-nobody (no role), whose password and the client secret are generated
 * per run. The gateway gets a fixed free port too, because Keycloak only accepts registered redirect URIs.
 */
public class KeycloakServer implements QuarkusTestResourceLifecycleManager {
    static final String REALM = "distillery";
    static final String CLIENT = "distillery";
    /** Config keys under which the test reads what this run generated. */
    static final String PASSWORD_KEY = "distillery.test.keycloak.password";
    static final String URL_KEY = "distillery.test.keycloak.url";
    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(5);

    private Process process;

    @Override
    public Map<String, String> start() {
        String home = System.getProperty("distillery.test.keycloak-home");
        if (home == null || !Files.isExecutable(Path.of(home, "bin", "kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at " + home
                    + ": run the test through Maven (process-test-resources unpacks org.keycloak:keycloak-quarkus-dist)");
        }
        try {
            int keycloakPort = FreePorts.freePort();
            int appPort = FreePorts.freePort();
            String appUrl = "http://127.0.0.1:" + appPort;
            String password = secret();
            String clientSecret = secret();
            String realm;
            try (InputStream in = KeycloakServer.class.getResourceAsStream("/keycloak/distillery-realm.json")) {
                realm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            realm = realm.replace("@APP_URL@", appUrl).replace("@PASSWORD@", password)
                    .replace("@CLIENT_SECRET@", clientSecret);
            Path importDir = Path.of(home, "data", "import");
            Files.createDirectories(importDir);
            Files.writeString(importDir.resolve(REALM + "-realm.json"), realm);

            Path log = Path.of(home).getParent().resolve("keycloak.log");
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(home, "bin", "kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + keycloakPort, "--db=dev-mem", "--import-realm"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // Keycloak runs on the JVM that runs the tests (Java 17 is enough for Keycloak 26.4).
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().remove("JAVA_OPTS");
            Instant started = Instant.now();
            process = pb.start();
            // Even if the test JVM is stopped before stop() runs, Keycloak must not outlive it.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            String issuer = "http://127.0.0.1:" + keycloakPort + "/realms/" + REALM;
            awaitReady(issuer, log);
            System.out.printf("Keycloak ready at %s after %d s (log %s)%n", issuer,
                    Duration.between(started, Instant.now()).toSeconds(), log);
            return Map.of(
                    "quarkus.http.test-port", Integer.toString(appPort),
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.auth-server-url", issuer,
                    "quarkus.oidc.client-id", CLIENT,
                    "quarkus.oidc.credentials.secret", clientSecret,
                    PASSWORD_KEY, password,
                    URL_KEY, issuer);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void awaitReady(String issuer, Path log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(STARTUP_LIMIT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
        }
        throw new IllegalStateException("Keycloak not ready within " + STARTUP_LIMIT + "; see " + log);
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
    }

    private static String secret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
