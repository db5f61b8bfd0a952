package io.distillery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.testsupport.DistilledRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code distill} end to end on a PneumoniaMNIST subset with train, val and test splits (a few iterations; the
 * subset keeps the evaluation's baselines quick) and on bad input.
 */
class DistillCommandTest {

    private static String cohort() throws java.io.IOException {
        return DistilledRun.get().cohort.toString();
    }

    private static int run(StringWriter err, String... args) {
        return run(err, new StringWriter(), args);
    }

    private static int run(StringWriter err, StringWriter out, String... args) {
        CommandLine cl = new CommandLine(new DistilleryCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void writesTheDistilledSetAndEveryNamedMetric(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int code = run(err, "distill", "--data", cohort(),
                "--out", out.toString(), "--images-per-step", "2", "--steps", "1", "--epochs", "3",
                "--iterations", "2", "--batch", "16", "--distill-lr", "0.02", "--init", "fixed", "--labels", "soft",
                "--seed", "3", "--full-epochs", "1", "--select-every", "1");
        assertEquals(0, code, err.toString());
        for (String f : new String[] {"distilled_images.png", "distilled_images.npy", "soft_labels.npy",
                "learning_rates.npy", "model_spec.json", "metrics.json", "model.f32"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String k : new String[] {"acc_distilled", "acc_random_real", "acc_full", "sensitivity", "specificity",
                "harmonic_mean", "auc", "sec_per_iter", "model_bytes", "package_bytes", "compression_ratio"}) {
            assertTrue(m.has(k) && m.get(k).isNumber(), "metrics.json lacks " + k);
        }
        assertEquals(Files.size(out.resolve("model.f32")), m.get("model_bytes").asLong());
        // Validation selection: the result is one of the two checked states, and both states' test numbers are there.
        assertEquals(1, m.get("select_every").asInt());
        int selected = m.get("selected_iteration").asInt();
        assertTrue(selected == 1 || selected == 2, "selected iteration " + selected);
        double score = m.get("val_balanced_accuracy_selected").asDouble();
        assertTrue(score >= 0 && score <= 1, "validation score " + score);
        assertTrue(m.get("acc_distilled_last").isNumber() && m.get("harmonic_mean_last").isNumber());
        assertEquals(1, m.get("acc_distilled_per_init").size(), "fixed init: one evaluated init");
        assertEquals(m.get("acc_distilled").asDouble(), m.get("acc_distilled_per_init").get(0).asDouble(), 0.0);
        assertTrue(m.get("compression_ratio").asDouble() < 0.05, "2 images + seed should be a few hundredths of LeNet");
        assertEquals(3, new ObjectMapper().readTree(out.resolve("model_spec.json").toFile()).get("init_seed").asInt());
        // The npy we write is read back by our own npz reader's parser rules (header, float32, shape).
        byte[] npy = Files.readAllBytes(out.resolve("distilled_images.npy"));
        assertEquals(2 * 28 * 28 * 4, npy.length - (npy[8] & 0xff) - 10);
    }

    @Test
    void randomInitWritesOneAccuracyPerUnseenInitWhoseMeanAndSdAreTheSummary(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int code = run(err, "distill", "--data", cohort(),
                "--out", out.toString(), "--images-per-step", "2", "--steps", "1", "--epochs", "3",
                "--iterations", "2", "--batch", "16", "--init", "random", "--eval-inits", "3", "--seed", "1",
                "--full-epochs", "1");
        assertEquals(0, code, err.toString());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(3, m.get("eval_inits").asInt());
        for (String k : new String[] {"acc_distilled", "sensitivity", "specificity"}) {
            JsonNode each = m.get(k + "_per_init");
            assertTrue(each != null && each.isArray() && each.size() == 3, k + "_per_init: " + each);
            double mean = 0;
            for (JsonNode v : each) {
                mean += v.asDouble() / each.size();
            }
            assertEquals(m.get(k).asDouble(), mean, 1e-12, k);
        }
        JsonNode acc = m.get("acc_distilled_per_init");
        double mean = m.get("acc_distilled").asDouble();
        double var = 0;
        for (JsonNode v : acc) {
            var += (v.asDouble() - mean) * (v.asDouble() - mean) / (acc.size() - 1);
        }
        assertEquals(m.get("acc_distilled_sd").asDouble(), Math.sqrt(var), 1e-12);
    }

    /** Re-evaluating a finished run (resume, no new iteration) writes valid JSON: no NaN where no time was spent. */
    @Test
    void resumingAFinishedRunWritesValidJson(@TempDir Path out) throws Exception {
        String[] args = {"distill", "--data", cohort(), "--out",
                out.toString(), "--iterations", "1", "--batch", "16", "--checkpoint-every", "1", "--full-epochs", "0"};
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, args), err.toString());
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--resume";
        StringWriter stdout = new StringWriter();
        assertEquals(0, run(err, stdout, again), err.toString());
        assertTrue(stdout.toString().contains(", no new iterations, package ") && !stdout.toString().contains("NaN"),
                stdout.toString());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(!json.contains("NaN"), json);
        JsonNode m = new ObjectMapper().readTree(json);
        assertTrue(m.get("sec_per_iter").isNull(), json);
        assertEquals(1, m.get("iterations").asInt());
    }

    @Test
    void malformedNpzGivesOneLineErrorAndNonZeroExit(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.npz");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        StringWriter err = new StringWriter();
        int code = run(err, "distill", "--data", bad.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, code);
        String msg = err.toString().trim();
        assertTrue(msg.contains("bad.npz") && !msg.contains("\n"), msg);

        err = new StringWriter();
        code = run(err, "distill", "--data", dir.resolve("missing.npz").toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("missing.npz: no such file"), err.toString());
    }
}
