package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study aggregate is written inside the C-STORE exchange, before the sender is answered; a gateway killed right
 * after the answer must still have it when it starts again. The child JVM adds one aggregate on the configured H2
 * URL and halts at once, as SIGKILL would (no shutdown hook, so H2 is never closed). H2 delays writes by up to
 * 500 ms unless told otherwise, and then lost the aggregate.
 */
class StudyAggregationKillTest {
    @TempDir
    Path tmp;

    /** The child: one aggregate for study 1.2.3 with DicomInstanceCount 1, then Runtime.halt. */
    public static void main(String[] args) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        JdbcAggregationRepository repo = StudyAggregationRepositories.create(
                StudyAggregationRepositories.dataSource(args[0], null, null, 1), StudyAggregationRepositories.DEFAULT_NAME);
        repo.start();
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT, 1);
        repo.add(camel, "1.2.3", e);
        System.out.println("added");
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }

    @Test
    void anAggregateWrittenBeforeAKillIsThereAfterTheRestart() throws Exception {
        // The URL as a user configures it (application.properties' default has no options).
        String url = "jdbc:h2:file:" + tmp.resolve("study-aggregation");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), StudyAggregationKillTest.class.getName(), url)
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(9, child.exitValue(), out);
        assertTrue(out.contains("added"), out);

        DataSource ds = StudyAggregationRepositories.dataSource(url, null, null, 1);
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        JdbcAggregationRepository repo = StudyAggregationRepositories.create(ds, StudyAggregationRepositories.DEFAULT_NAME);
        repo.start();
        try {
            Exchange study = repo.get(camel, "1.2.3");
            assertNotNull(study, "the aggregate written before the kill is gone");
            assertEquals(1, study.getIn().getHeader(StudyInstancesAggregationStrategy.INSTANCE_COUNT));
        } finally {
            repo.stop();
            camel.stop();
            ((JdbcConnectionPool) ds).dispose();
        }
    }
}
