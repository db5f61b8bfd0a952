package io.distillery.review;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.distillery.testsupport.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rsyslogd in the foreground on loopback for the audit syslog tests: the caller gives the config lines
 * that load drivers and open inputs; every message received is written to {@code received.log} as
 * {@code facility|severity|APP-NAME|MSGID|body}, one per line. {@link #start} returns once the TCP input accepts
 * connections.
 */
final class Rsyslogd implements AutoCloseable {
    static final String BINARY = "/usr/sbin/rsyslogd";

    private final Path dir;
    private final Process process;

    private Rsyslogd(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts rsyslogd in {@code dir} with {@code global(workDirectory=dir/work ...)} plus {@code globalOptions},
     * then {@code inputs}; waits until {@code tcpPort} accepts a connection.
     */
    static Rsyslogd start(Path dir, List<String> globalOptions, List<String> inputs, int tcpPort) throws Exception {
        assertTrue(new File(BINARY).canExecute(), "install Debian's rsyslog (see .ci/run)");
        Files.createDirectories(dir.resolve("work"));
        List<String> conf = new ArrayList<>();
        conf.add("global(workDirectory=\"" + dir.resolve("work") + "\"");
        conf.addAll(globalOptions);
        conf.add(")");
        conf.addAll(inputs);
        conf.add("template(name=\"fields\" type=\"string\" string=\"%syslogfacility%|%syslogseverity%|%app-name%|"
                + "%msgid%|%msg%\\n\")");
        conf.add("*.* action(type=\"omfile\" file=\"" + dir.resolve("received.log") + "\" template=\"fields\")");
        conf.add("");
        Files.writeString(dir.resolve("rsyslog.conf"), String.join("\n", conf));
        Process p = new ProcessBuilder(BINARY, "-n", "-f", dir.resolve("rsyslog.conf").toString(), "-i",
                dir.resolve("rsyslogd.pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        Rsyslogd server = new Rsyslogd(dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", tcpPort)) {
                return server;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    fail("rsyslogd did not start: " + server.output());
                }
                Thread.sleep(100);
            }
        }
    }

    /** The lines received so far, waiting up to 20 s for at least {@code n}. */
    List<String> awaitLines(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> lines = received();
        while (lines.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
            lines = received();
        }
        return lines;
    }

    List<String> received() throws IOException {
        Path log = dir.resolve("received.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** What rsyslogd printed (its errors), for assertion messages. */
    String output() throws IOException {
        return Files.readString(dir.resolve("rsyslogd.out"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
