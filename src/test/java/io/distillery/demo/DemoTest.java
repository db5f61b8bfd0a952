package io.distillery.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.cli.DistilleryCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, shortened to a few distillation iterations: every stage runs and reports. */
class DemoTest {
    @TempDir
    Path tmp;

    @Test
    void theWholePathRunsOnTheDemoCohort() throws Exception {
        Path out = tmp.resolve("demo");
        assertEquals(0, DistilleryCommand.execute("demo", "--out", out.toString(), "--iterations", "3"));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(300, summary.path("samples").asInt(), "every instance was acknowledged and stored");
        assertEquals(0, summary.path("failed").asInt());
        assertTrue(summary.path("acc_distilled").asDouble() > 0, summary.toString());
        assertTrue(summary.path("compression_ratio").asDouble() > 0 && summary.path("compression_ratio").asDouble() < 0.1,
                summary.toString());
        assertTrue(Files.exists(Path.of(summary.path("package").asText()).resolve("manifest.sig")));
        assertTrue(summary.path("audit_verdict").asText().matches("PASS|REVIEW|FAIL"), summary.toString());
        assertEquals(0, DistilleryCommand.execute("package", "verify", summary.path("package").asText()),
                "the package the demo leaves verifies");
    }
}
