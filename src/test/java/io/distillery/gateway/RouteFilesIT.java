package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/ as the PACS administrator edits it, with the real {@code serve} command: a file with a mistyped option
 * or an unknown endpoint stops the start with one line naming file, line and the problem; a file added while the
 * gateway runs is loaded without a restart.
 */
class RouteFilesIT {
    @TempDir
    Path tmp;

    @Test
    void unknownOptionStopsTheStartNamingFileLineAndOption() throws Exception {
        String err = failedStart("broken.yaml", """
                # a route with a typo
                - route:
                    id: broken
                    from:
                      uri: dicom:scp
                      parameters:
                        aet: OTHER
                        prot: 104
                      steps:
                        - log:
                            message: never
                """);
        assertEquals("error: routes/broken.yaml:8: unknown option 'prot' of dicom:scp (route broken)", lastLine(err),
                err);
    }

    @Test
    void unknownEndpointStopsTheStartNamingFileLineAndScheme() throws Exception {
        String err = failedStart("typo.yaml", """
                - route:
                    id: typo
                    from:
                      uri: timer:tick
                      steps:
                        - to: dicomm:store?remote=PACS@127.0.0.1:104
                """);
        assertEquals("error: routes/typo.yaml:6: unknown endpoint 'dicomm:' (no such Camel component) (route typo)",
                lastLine(err), err);
    }

    @Test
    void aRouteFileAddedWhileRunningIsLoaded() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(tmp, Map.of())) {
            gw.awaitReady();
            Path beat = tmp.resolve("heartbeat");
            Files.writeString(tmp.resolve("routes/heartbeat.yaml"), """
                    - route:
                        id: heartbeat
                        from:
                          uri: timer:heartbeat?period=500
                          steps:
                            - setBody:
                                constant: alive
                            - to: file:heartbeat?fileName=beat.txt
                    """);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(beat.resolve("beat.txt")) && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertTrue(Files.exists(beat.resolve("beat.txt")), "routes/heartbeat.yaml was not loaded: " + gw.log());
            // a broken edit is logged, and the gateway keeps serving
            Files.writeString(tmp.resolve("routes/heartbeat.yaml"), """
                    - route:
                        id: heartbeat
                        from:
                          uri: timer:heartbeat?perod=500
                          steps:
                            - to: file:heartbeat?fileName=beat.txt
                    """);
            // Wait for this edit's error, not any reload error: the watcher may also have caught the first write
            // half-done ("Resource is empty"), which Camel logs with the same prefix.
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!gw.log().contains("perod") && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertTrue(gw.log().contains("perod"), gw.log());
            assertTrue(gw.process.isAlive());
            assertEquals(200, gw.get("/q/health/ready").statusCode(), "the DICOM listener and store are still up");
        }
    }

    private String failedStart(String name, String yaml) throws Exception {
        Files.createDirectories(tmp.resolve("routes"));
        Files.writeString(tmp.resolve("routes").resolve(name), yaml);
        try (GatewayProcess gw = GatewayProcess.start(tmp, Map.of())) {
            assertTrue(gw.process.waitFor(150, TimeUnit.SECONDS), "the gateway did not stop: " + gw.log());
            assertNotEquals(0, gw.process.exitValue(), gw.log());
            return Files.readString(tmp.resolve("err.log"));
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
