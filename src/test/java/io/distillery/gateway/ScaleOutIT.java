package io.distillery.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.testsupport.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Scale-out, proven with the real thing: two {@code serve} processes on one machine share one PostgreSQL (sample
 * store and study aggregation). Ten studies of six instances each are sent with dcmtk storescu to both replicas at
 * once; two studies are split between the replicas (second halves to B after the first halves reached A). Every
 * instance is acknowledged and stored exactly once, and every study is signalled complete exactly once, with all
 * six instances, by one of the replicas.
 */
class ScaleOutIT {
    private static final int STUDIES = 10;
    private static final int PER_STUDY = 6;
    private static final Pattern COMPLETE = Pattern.compile("study complete (\\S+): (\\d+) instances");

    /** Under target/, not a temporary folder: the replicas' logs stay for a look after a failure. */
    private final Path tmp = Path.of("target", "scale-out-test").toAbsolutePath();

    @Test
    void twoReplicasOnOnePostgresStoreLoseAndDuplicateNothing() throws Exception {
        deleteTree(tmp);
        List<List<Path>> batches = cohort(tmp.resolve("cohort"));
        try (PostgresServer pg = PostgresServer.start()) {
            DataSource db = pg.createDatabase("distillery");
            String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/distillery";
            Map<String, String> env = Map.of(
                    "DISTILLERY_STORE_JDBC_URL", url, "DISTILLERY_STORE_USERNAME", "postgres",
                    "DISTILLERY_STUDY_AGGREGATION_JDBC_URL", url, "DISTILLERY_STUDY_AGGREGATION_USERNAME", "postgres",
                    "DISTILLERY_STUDY_AGGREGATION_QUIET_PERIOD", "4s");
            try (GatewayProcess a = GatewayProcess.start(Files.createDirectories(tmp.resolve("a")), env);
                    GatewayProcess b = GatewayProcess.start(Files.createDirectories(tmp.resolve("b")), env)) {
                a.awaitReady();
                b.awaitReady();
                // both replicas at once, on different studies; then the second halves of the split studies to B
                Process toA = storescu(a.scpPort, batches.get(0), tmp.resolve("storescu-a.log"));
                Process toB = storescu(b.scpPort, batches.get(1), tmp.resolve("storescu-b.log"));
                assertTrue(toA.waitFor(120, TimeUnit.SECONDS) && toB.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, toA.exitValue(), Files.readString(tmp.resolve("storescu-a.log")));
                assertEquals(0, toB.exitValue(), Files.readString(tmp.resolve("storescu-b.log")));
                Process rest = storescu(b.scpPort, batches.get(2), tmp.resolve("storescu-b2.log"));
                assertTrue(rest.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, rest.exitValue(), Files.readString(tmp.resolve("storescu-b2.log")));

                assertEquals(STUDIES * PER_STUDY, count(db, "SELECT COUNT(*) FROM sample"), "every instance stored");
                assertEquals(STUDIES, count(db, "SELECT COUNT(DISTINCT study_key) FROM sample"));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM parked"));

                Map<String, List<Integer>> completed = new TreeMap<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline) {
                    completed = completions(a, b);
                    if (completed.size() == STUDIES) {
                        break;
                    }
                    Thread.sleep(500);
                }
                Thread.sleep(6_000); // longer than the quiet period: a second signal would show by now
                completed = completions(a, b);
                assertEquals(STUDIES, completed.size(), completed.toString());
                for (Map.Entry<String, List<Integer>> e : completed.entrySet()) {
                    assertEquals(List.of(PER_STUDY), e.getValue(), "study " + e.getKey() + " signalled " + e.getValue());
                }
                double stored = received(a, "STORED") + received(b, "STORED");
                assertEquals(STUDIES * PER_STUDY, stored, 0.0, "STORED outcomes over both replicas");
                assertEquals(0.0, received(a, "DUPLICATE") + received(b, "DUPLICATE"), 0.0);
                assertTrue(received(a, "STORED") > 0 && received(b, "STORED") > 0, "both replicas ingested");
            }
        }
    }

    /**
     * {@link #STUDIES} studies of {@link #PER_STUDY} demo instances (new study UIDs) in three batches: A gets studies
     * 0-3 and the first halves of studies 8 and 9, B at the same time studies 4-7, and afterwards the second halves.
     */
    private static List<List<Path>> cohort(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<Path> sources;
        try (Stream<Path> s = Files.list(ModalityIngestRouteTest.SAMPLES)) {
            sources = s.filter(f -> f.toString().endsWith(".dcm")).sorted().skip(100).limit(STUDIES * PER_STUDY)
                    .toList();
        }
        List<List<Path>> batches = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < sources.size(); i++) {
            int study = i / PER_STUDY;
            Path copy = Files.copy(sources.get(i), dir.resolve(sources.get(i).getFileName()));
            Process p = new ProcessBuilder("dcmodify", "-nb", "-m",
                    "(0020,000D)=1.2.826.0.1.3680043.10.1000.9" + study, copy.toString()).redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor());
            int batch = study < 4 ? 0 : study < 8 ? 1 : i % PER_STUDY < PER_STUDY / 2 ? 0 : 2;
            batches.get(batch).add(copy);
        }
        return batches;
    }

    private static Process storescu(int port, List<Path> files, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "MODALITY", "-aec", "DISTILLERY", "127.0.0.1",
                Integer.toString(port)));
        files.forEach(f -> cmd.add(f.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TCP_NODELAY", "1");
        return pb.start();
    }

    /** Study UID to the instance counts of each completion signal, over both replicas' logs. */
    private static Map<String, List<Integer>> completions(GatewayProcess... gateways) throws Exception {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (GatewayProcess g : gateways) {
            Matcher m = COMPLETE.matcher(g.log());
            while (m.find()) {
                out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
            }
        }
        return out;
    }

    private static double received(GatewayProcess g, String outcome) throws Exception {
        Matcher m = Pattern.compile("(?m)^distillery_instances_received_total\\{outcome=\"" + outcome
                + "\"} ([0-9.Ee+-]+)$").matcher(g.get("/q/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static long count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
