package io.distillery.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for tests: Debian's binaries (package {@code postgresql}) run as the {@code postgres}
 * user in a throw-away data directory, listening on 127.0.0.1 only, on a free port. No mock, no Docker.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path dataDir;
    private final Path bin;
    private final int port;

    private PostgresServer(Path dataDir, Path bin, int port) {
        this.dataDir = dataDir;
        this.bin = bin;
        this.port = port;
    }

    /** The newest installed server's bin directory, or an error that says how to install one. */
    static Path binaries() {
        Path root = Paths.get("/usr/lib/postgresql");
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql:"
                    + " apt-get install postgresql", e);
        }
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("pg-test");
        run(List.of("chown", "postgres:postgres", dir.toString()));
        int port = FreePorts.freePort();
        runAsPostgres(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync");
        runAsPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-l",
                dir.resolve("log").toString(), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir, "start");
        return new PostgresServer(dir, bin, port);
    }

    public PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        return ds;
    }

    public int port() {
        return port;
    }

    /** Creates a fresh database and returns a data source for it. */
    public PGSimpleDataSource createDatabase(String name) throws Exception {
        try (var c = dataSource().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        PGSimpleDataSource ds = dataSource();
        ds.setDatabaseName(name);
        return ds;
    }

    @Override
    public void close() throws Exception {
        runAsPostgres(bin.resolve("pg_ctl").toString(), "-D", dataDir.resolve("data").toString(), "-m", "immediate",
                "-w", "stop");
        try (Stream<Path> s = Files.walk(dataDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void runAsPostgres(String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(cmd));
        run(full);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
