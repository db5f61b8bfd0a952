package io.distillery.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.cli.DistillCommand;
import io.distillery.distill.ProgressListener;
import io.distillery.npy.Npy;
import io.distillery.share.PackageBuilder;
import io.distillery.share.PrivacyAudit;
import io.distillery.share.SharePackage;
import io.distillery.share.SigningKeys;
import io.distillery.share.SourceIdentifiers;
import io.distillery.store.CohortExport;
import io.distillery.store.SampleStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * Stored samples to an audited, signed package: the part of the path that {@code demo} and the gateway's
 * distillation route share. Stages: cohort export split by patient → soft-label distillation (the {@code distill}
 * command's own code, so the package holds the same files and metrics) → signed package → privacy audit. Each stage
 * takes and returns a {@link Run}, so a route can show them as steps. Queuing the package for review is the
 * caller's business: the demo has no server.
 */
public final class DistillAndPackage {
    /**
     * What to distil and how; {@code sourceDicom} (may be null) adds the source headers to the audit's scan;
     * {@code privacy} null runs the non-private method; {@code selectEvery} &gt; 0 keeps the state that scores best
     * on the cohort's validation patients, checked every that many iterations ({@code distill --select-every}).
     */
    public record Settings(List<String> labels, int iterations, long seed, Path signingKey, Path sourceDicom,
            Privacy privacy, boolean balancedBatch, int selectEvery) {
        public Settings {
            // Refused at start, not at the first run.
            if (privacy != null && balancedBatch) {
                // The DP accountant assumes Poisson sampling of the split.
                throw new IllegalArgumentException("distillery.distillation.balanced-batch cannot be combined with"
                        + " dp-epsilon");
            }
            if (privacy != null && selectEvery > 0) {
                // A choice made on real validation images is a release the DP accounting does not cover.
                throw new IllegalArgumentException("distillery.distillation.select-every cannot be combined with"
                        + " dp-epsilon");
            }
            if (selectEvery < 0) {
                throw new IllegalArgumentException("distillery.distillation.select-every must be 0 (off) or a number"
                        + " of iterations, got " + selectEvery);
            }
        }

        /** Without validation selection: the result is the last state. */
        public Settings(List<String> labels, int iterations, long seed, Path signingKey, Path sourceDicom,
                Privacy privacy, boolean balancedBatch) {
            this(labels, iterations, seed, signingKey, sourceDicom, privacy, balancedBatch, 0);
        }
    }

    /** DP-SGD on the outer loop's real-data gradient, for a target (ε, δ) and clip norm (see docs/dp.md). */
    public record Privacy(double epsilon, double delta, double clip) {
        public Privacy {
            if (!(epsilon > 0) || !(delta > 0 && delta < 1) || !(clip > 0)) {
                throw new IllegalArgumentException("DP needs epsilon > 0, 0 < delta < 1 and clip > 0; got epsilon "
                        + epsilon + ", delta " + delta + ", clip " + clip);
            }
        }

        String describe() {
            return String.format(java.util.Locale.ROOT, "differentially private, epsilon <= %s, delta %s", epsilon,
                    delta);
        }
    }

    /** One run's results so far, all under its {@code work} folder; later stages' fields are null until run. */
    public record Run(Path work, CohortExport.Summary cohort, JsonNode metrics, SharePackage pkg,
            PrivacyAudit.Verdict auditVerdict) {
        public Path cohortNpz() {
            return work.resolve("cohort.npz");
        }

        public Path distilled() {
            return work.resolve("distilled");
        }

        public Path auditDir() {
            return work.resolve("package-audit");
        }

        public Path auditReport() {
            return auditDir().resolve("report.html");
        }
    }

    private DistillAndPackage() {
    }

    /** Exports every sample of {@code labels} to {@code work}/cohort.npz: 70% train, 10% val, 20% test patients. */
    public static Run exportCohort(SampleStore store, Path work, Settings s) throws IOException {
        Run run = new Run(work, null, null, null, null);
        return new Run(work, CohortExport.toNpz(store, s.labels(), run.cohortNpz(), 0.1, 0.2), null, null, null);
    }

    /** 2 soft-label images, LeNet with a fixed init, 1 step x 3 epochs, on the CPU; {@code progress} per iteration. */
    public static Run distill(Run run, Settings s, ProgressListener progress) throws IOException {
        requireEveryLabelInTraining(run.cohortNpz(), s.labels());
        StringWriter distillLog = new StringWriter();
        CommandLine distill = new CommandLine(new DistillCommand(progress));
        distill.setOut(new PrintWriter(distillLog, true)).setErr(new PrintWriter(distillLog, true));
        List<String> args = new ArrayList<>(List.of("--data", run.cohortNpz().toString(), "--out",
                run.distilled().toString(), "--images-per-step", "2", "--steps", "1", "--epochs", "3", "--iterations",
                Integer.toString(s.iterations()), "--batch", "128", "--init", "fixed", "--labels", "soft", "--seed",
                Long.toString(s.seed()), "--full-epochs", "20"));
        if (s.privacy() != null) {
            args.addAll(List.of("--dp-epsilon", Double.toString(s.privacy().epsilon()), "--dp-delta",
                    Double.toString(s.privacy().delta()), "--dp-clip", Double.toString(s.privacy().clip())));
        }
        if (s.balancedBatch()) {
            args.add("--balanced-batch");
        }
        if (s.selectEvery() > 0) {
            args.addAll(List.of("--select-every", Integer.toString(s.selectEvery())));
        }
        int rc = distill.execute(args.toArray(String[]::new));
        if (rc != 0) {
            throw new IOException("distillation of " + run.cohortNpz() + " failed (exit " + rc + "): " + distillLog);
        }
        JsonNode metrics = new ObjectMapper().readTree(run.distilled().resolve("metrics.json").toFile());
        return new Run(run.work(), run.cohort(), metrics, null, null);
    }

    /**
     * Refuses, before a run, a cohort whose training split lacks a label. The engine would stop on it too (at once
     * with balanced batches, the default; at its random-real baseline, after the whole run, without them), but it
     * names a class by its index, and an administrator knows the label.
     */
    static void requireEveryLabelInTraining(Path cohortNpz, List<String> labels) throws IOException {
        long[] train = Npy.readNpzEntry(cohortNpz, "train_labels").toLongs();
        boolean[] present = new boolean[labels.size()];
        for (long c : train) {
            if (c >= 0 && c < present.length) {
                present[(int) c] = true;
            }
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < present.length; c++) {
            if (!present[c]) {
                missing.add("'" + labels.get(c) + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("the training split (70% of the patients) has no sample labelled "
                    + String.join(", ", missing) + "; every label needs training samples: ingest "
                    + (missing.size() == 1 ? "that label" : "those labels") + " from more patients");
        }
    }

    /** The signed package of the distilled data in {@code work}/package (key created on first use). */
    public static Run buildPackage(Run run, Settings s) throws IOException {
        SharePackage pkg = PackageBuilder.build(run.distilled(), run.cohortNpz(), run.work().resolve("package"),
                SigningKeys.loadOrCreate(s.signingKey()), null);
        return new Run(run.work(), run.cohort(), run.metrics(), pkg, null);
    }

    /** The privacy audit of the package against its cohort; audit.json and report.html go beside the package. */
    public static Run audit(Run run, Settings s) throws IOException {
        Set<String> identifiers = s.sourceDicom() == null ? Set.of() : SourceIdentifiers.fromDicom(s.sourceDicom());
        PrivacyAudit.Result audit = PrivacyAudit.run(run.pkg().dir(), run.cohortNpz(), identifiers,
                PrivacyAudit.Config.defaults(), run.auditDir());
        return new Run(run.work(), run.cohort(), run.metrics(), run.pkg(), audit.verdict());
    }

    /** Every stage in order; {@code stage} hears one line as each starts. */
    public static Run run(SampleStore store, Path work, Settings s, Consumer<String> stage, ProgressListener progress)
            throws IOException {
        stage.accept("exporting the cohort (split by patient: 70% train, 10% val, 20% test)");
        Run run = exportCohort(store, work, s);
        CohortExport.Summary c = run.cohort();
        stage.accept(String.format("train %d, val %d, test %d images of %dx%d", c.train(), c.val(), c.test(),
                c.height(), c.width()));
        stage.accept("distilling 2 soft-label images (LeNet, fixed init, 1 step x 3 epochs) on the CPU"
                + (s.privacy() == null ? "" : ", " + s.privacy().describe()));
        run = distill(run, s, progress);
        stage.accept("building the signed package and running the privacy audit");
        return audit(buildPackage(run, s), s);
    }
}
