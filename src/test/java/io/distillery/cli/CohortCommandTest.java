package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.util.Map;
import io.distillery.store.JdbcSampleStore;
import io.distillery.store.Sample;
import io.distillery.testsupport.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cohort counts|export --jdbc-url}: the cohort of a scaled-out gateway's shared store, read from a real
 * PostgreSQL (Debian's), as the GPU job reads it.
 */
class CohortCommandTest {
    private static PostgresServer server;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private int run(String... args) {
        CommandLine cl = DistilleryCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void exportsTheSharedDatabasesCohortSplitByPatient() throws Exception {
        server.createDatabase("cohort1");
        String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/cohort1";
        try (JdbcSampleStore store = JdbcSampleStore.open(url, "postgres", null)) {
            for (int i = 0; i < 40; i++) {
                float[] px = new float[28 * 28];
                Arrays.fill(px, i / 40f);
                store.put(new Sample("2.25." + i, "2.25.9" + (i % 10), "PSN-" + (i % 10),
                        i % 2 == 0 ? "normal" : "pneumonia", new Sample.Provenance("CR", "1.2.840.10008.5.1.4.1.1.1",
                                "1.2.840.10008.1.2.1", "modality-ingest", Instant.now()), 28, 28, px));
            }
        }
        assertEquals(0, run("cohort", "counts", "--jdbc-url", url, "--db-user", "postgres"), err.toString());
        Path npz = dir.resolve("cohort.npz");
        assertEquals(0, run("cohort", "export", "--jdbc-url", url, "--db-user", "postgres", "--labels",
                "normal,pneumonia", "--out", npz.toString()), err.toString());
        Map<String, NpyArray> arrays = Npy.readNpz(npz);
        long total = arrays.get("train_labels").size() + arrays.get("val_labels").size()
                + arrays.get("test_labels").size();
        assertEquals(40, total, arrays.keySet().toString());
    }

    @Test
    void storeFolderAndDatabaseAreExclusiveAndAnUnreachableDatabaseIsOneLine() {
        int both = run("cohort", "counts", "--store", dir.toString(), "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x");
        assertNotEquals(0, both);
        assertTrue(err.toString().contains("mutually exclusive"), err.toString());

        err.getBuffer().setLength(0);
        int down = run("cohort", "counts", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x");
        assertNotEquals(0, down);
        assertTrue(err.toString().contains("127.0.0.1:1") || err.toString().toLowerCase().contains("connect"),
                err.toString());
        assertTrue(err.toString().strip().lines().count() <= 2, err.toString());
    }
}
