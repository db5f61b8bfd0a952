package io.distillery.cli;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.Deidentifier;
import io.distillery.imaging.NormalizeOptions;
import io.distillery.ingest.IngestPipeline;
import io.distillery.labels.CsvManifestRule;
import io.distillery.labels.Labeller;
import io.distillery.store.CohortExport;
import io.distillery.store.JdbcSampleStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cohort ingest|counts|export}: the dataset store from the command line (embedded store folder). */
@Command(name = "cohort", mixinStandardHelpOptions = true, description = "Build, inspect and export the sample store.",
        subcommands = {CohortCommand.Ingest.class, CohortCommand.Counts.class, CohortCommand.Export.class})
public final class CohortCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Label (CSV manifest), de-identify, normalise and store DICOM files.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "embedded store folder")
        Path store;

        @Option(names = "--labels", required = true, description = "CSV manifest with a header row")
        Path labels;

        @Option(names = "--key", defaultValue = "ACCESSION_NUMBER",
                description = "what the manifest's key column holds: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
        CsvManifestRule.Key key;

        @Option(names = "--key-column", defaultValue = "accession_number", description = "default ${DEFAULT-VALUE}")
        String keyColumn;

        @Option(names = "--label-column", defaultValue = "label", description = "default ${DEFAULT-VALUE}")
        String labelColumn;

        @Option(names = "--size", defaultValue = "28", description = "square target grid (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--secret-env", defaultValue = DeidConfig.DEFAULT_SECRET_ENV,
                description = "environment variable holding the pseudonymisation secret (default ${DEFAULT-VALUE})")
        String secretEnv;

        @Option(names = "--verbose", description = "stack traces for failures")
        boolean verbose;

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            Labeller labeller = new Labeller(List.of(CsvManifestRule.load(labels, key, keyColumn, labelColumn)));
            Deidentifier deid = new Deidentifier(
                    DeidConfig.of(DeidConfig.secretFromEnvironment(System.getenv(), secretEnv), Set.of()));
            Map<IngestPipeline.Status, Integer> counts = new EnumMap<>(IngestPipeline.Status.class);
            PrintWriter err = new PrintWriter(System.err, true);
            int status;
            try (JdbcSampleStore s = JdbcSampleStore.embedded(store)) {
                IngestPipeline p = new IngestPipeline(labeller, deid, NormalizeOptions.of(size, size), s,
                        store.resolve("quarantine"), store.resolve("parked"), "cli");
                status = PerFile.run(files, verbose, err,
                        f -> counts.merge(p.ingest(f, Map.of()).status(), 1, Integer::sum));
                System.out.println("ingested " + counts + "; store now holds " + s.countsByLabel());
            }
            return status;
        }
    }

    @Command(name = "counts", mixinStandardHelpOptions = true, description = "Samples per label and modality, and parked.")
    static final class Counts implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "embedded store folder")
        Path store;

        @Override
        public Integer call() {
            try (JdbcSampleStore s = JdbcSampleStore.embedded(store)) {
                s.countsByLabelAndModality().forEach((label, byModality) -> System.out.println(label + " " + byModality));
                System.out.println("parked " + s.parkedCount());
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a cohort as an npz in the MedMNIST layout, split by patient.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "embedded store folder")
        Path store;

        @Option(names = "--labels", required = true, split = ",", description = "labels in class-index order")
        List<String> labels;

        @Option(names = "--out", required = true, description = "npz file to write")
        Path out;

        @Option(names = "--val", defaultValue = "0.1", description = "validation fraction (default ${DEFAULT-VALUE})")
        double val;

        @Option(names = "--test", defaultValue = "0.2", description = "test fraction (default ${DEFAULT-VALUE})")
        double test;

        @Override
        public Integer call() throws Exception {
            try (JdbcSampleStore s = JdbcSampleStore.embedded(store)) {
                CohortExport.Summary sum = CohortExport.toNpz(s, labels, out, val, test);
                System.out.printf("wrote %s: train %d, val %d, test %d (%dx%d)%n", out, sum.train(), sum.val(),
                        sum.test(), sum.height(), sum.width());
            }
            return 0;
        }
    }
}
