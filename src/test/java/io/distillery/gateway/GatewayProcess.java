package io.distillery.gateway;

import io.distillery.testsupport.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One gateway as an operator runs it: {@code java -jar target/quarkus-app/quarkus-run.jar serve} in its own working
 * folder (holding routes/), configured by environment variables only, on free ports. Builds the jar first when it is
 * missing or older than the sources.
 */
final class GatewayProcess implements AutoCloseable {
    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path JAR = PROJECT.resolve("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path dir;
    final int scpPort;
    final int httpPort;
    final Process process;

    private GatewayProcess(Path dir, int scpPort, int httpPort, Process process) {
        this.dir = dir;
        this.scpPort = scpPort;
        this.httpPort = httpPort;
        this.process = process;
    }

    /** Starts {@code serve} in {@code dir} (routes/ copied from the project unless present) with {@code env}. */
    static GatewayProcess start(Path dir, Map<String, String> env) throws Exception {
        requireJar();
        Path routes = dir.resolve("routes");
        if (!Files.isDirectory(routes)) {
            Files.createDirectories(routes);
            try (Stream<Path> s = Files.list(PROJECT.resolve("routes"))) {
                for (Path f : s.toList()) {
                    Files.copy(f, routes.resolve(f.getFileName()));
                }
            }
        }
        int scp = FreePorts.freePort();
        int http = FreePorts.freePort();
        Map<String, String> all = new HashMap<>();
        all.put("DISTILLERY_SCP_PORT", Integer.toString(scp));
        all.put("QUARKUS_HTTP_PORT", Integer.toString(http));
        all.put("DISTILLERY_LABELS_CSV", PROJECT.resolve("dicom-samples/labels.csv").toString());
        // a test-only pseudonymisation secret, the same for every replica of one deployment
        all.put("DISTILLERY_DEID_SECRET", "gateway-process-test-secret-0123456789");
        all.put("DISTILLERY_SCP_MIN_FREE_MB", "1");
        all.putAll(env);
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx768m", "-jar", JAR.toString(), "serve").directory(dir.toFile())
                .redirectErrorStream(false).redirectOutput(dir.resolve("out.log").toFile())
                .redirectError(dir.resolve("err.log").toFile());
        pb.environment().putAll(all);
        return new GatewayProcess(dir, scp, http, pb.start());
    }

    /** Waits until /q/health/ready is UP (store, spool, DICOM listener). */
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway in " + dir + " exited " + process.exitValue() + ": " + log());
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("gateway in " + dir + " not ready: " + log());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("out.log")) + Files.readString(dir.resolve("err.log"));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * The runnable jar of this build. These tests run as failsafe integration tests (*IT), after the package phase
     * built it; a jar older than the sources would test old code, so that is refused too.
     */
    static void requireJar() throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run these tests with mvn verify (after package)");
        }
        FileTime jar = Files.getLastModifiedTime(JAR);
        if (newest(PROJECT.resolve("src/main")).compareTo(jar) > 0) {
            throw new IllegalStateException(JAR + " is older than src/main: rebuild it (mvn verify packages first)");
        }
    }

    private static FileTime newest(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (IOException e) {
                    return FileTime.fromMillis(Long.MAX_VALUE);
                }
            }).max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        }
    }
}
