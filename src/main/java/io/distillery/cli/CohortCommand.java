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

/**
 * {@code cohort ingest|counts|export}: the dataset store from the command line. {@code ingest} fills an embedded
 * store folder; {@code counts} and {@code export} also read the database a scaled-out gateway shares
 * ({@code --jdbc-url}), which is where the GPU job exports its cohort from.
 */
@Command(name = "cohort", mixinStandardHelpOptions = true, description = "Build, inspect and export the sample store.",
        subcommands = {CohortCommand.Ingest.class, CohortCommand.Counts.class, CohortCommand.Export.class})
public final class CohortCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the store is: exactly one of an embedded folder or a JDBC URL. */
    static final class StoreLocation {
        @Option(names = "--store", required = true, description = "embedded store folder")
        Path dir;

        @Option(names = "--jdbc-url", required = true,
                description = "store database, e.g. jdbc:postgresql://host:5432/distillery (user and password from"
                        + " --db-user and the environment variable DISTILLERY_STORE_PASSWORD)")
        String jdbcUrl;
    }

    /** The store options every subcommand shares; the password is read only from the environment. */
    static final class StoreOptions {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        StoreLocation location;

        @Option(names = "--db-user", defaultValue = "${env:DISTILLERY_STORE_USERNAME:-distillery}",
                description = "database user with --jdbc-url (default: DISTILLERY_STORE_USERNAME or distillery)")
        String user;

        JdbcSampleStore open() {
            if (location.jdbcUrl != null) {
                return JdbcSampleStore.open(location.jdbcUrl, user, System.getenv("DISTILLERY_STORE_PASSWORD"));
            }
            return JdbcSampleStore.embedded(location.dir);
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Label (CSV manifest), de-identify, normalise and store DICOM files.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--store", required = true,
                description = "embedded store folder (also holds the quarantine and parked folders)")
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
        @CommandLine.Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (JdbcSampleStore s = store.open()) {
                s.countsByLabelAndModality().forEach((label, byModality) -> System.out.println(label + " " + byModality));
                System.out.println("parked " + s.parkedCount());
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a cohort as an npz in the MedMNIST layout, split by patient.")
    static final class Export implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions store;

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
            try (JdbcSampleStore s = store.open()) {
                CohortExport.Summary sum = CohortExport.toNpz(s, labels, out, val, test);
                System.out.printf("wrote %s: train %d, val %d, test %d (%dx%d)%n", out, sum.train(), sum.val(),
                        sum.test(), sum.height(), sum.width());
            }
            return 0;
        }
    }
}
