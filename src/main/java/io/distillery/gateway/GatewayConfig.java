package io.distillery.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The gateway's settings, one {@link ConfigMapping} per group of {@code distillery.*} keys (defaults documented in
 * application.properties). Separate prefixes, not one mapping of {@code distillery}, so that every key under a
 * group the gateway owns is checked (a mistyped {@code distillery.scp.prot} stops the start) while other
 * capabilities keep their own {@code distillery.*} groups.
 */
public final class GatewayConfig {
    private GatewayConfig() {
    }

    @ConfigMapping(prefix = "distillery.store")
    public interface Store {
        /** Folder of the embedded sample store (also holds parked/ and quarantine/). */
        @WithDefault("data/store")
        String dir();

        /**
         * JDBC URL of the store's database; absent means the embedded H2 file in {@link #dir()}. Replicas that
         * share work point this at one PostgreSQL ({@code jdbc:postgresql://host:5432/distillery}).
         */
        Optional<String> jdbcUrl();

        @WithDefault("distillery")
        String username();

        /** From the environment (DISTILLERY_STORE_PASSWORD), never from a file in the repository. */
        Optional<String> password();

        /** Most connections one gateway process opens. */
        @WithDefault("16")
        int maxConnections();
    }

    @ConfigMapping(prefix = "distillery.labels")
    public interface Labels {
        /** CSV manifest with a header row. */
        @WithDefault("dicom-samples/labels.csv")
        String csv();

        /** What the key column holds: ACCESSION_NUMBER, STUDY_INSTANCE_UID or PATIENT_ID. */
        @WithDefault("ACCESSION_NUMBER")
        String key();

        @WithDefault("accession_number")
        String keyColumn();

        @WithDefault("label")
        String labelColumn();
    }

    /** Defaults for every route; a route overrides them with exchange properties (docs/ingest-options.md). */
    @ConfigMapping(prefix = "distillery.normalize")
    public interface Normalize {
        /** Square target grid in pixels. */
        @WithDefault("28")
        int size();

        /** Frame of a multi-frame object: 0-based index or "middle". */
        @WithDefault("middle")
        String frame();

        /** CROP, PAD or STRETCH. */
        @WithDefault("CROP")
        String aspect();

        /** BILINEAR or BICUBIC. */
        @WithDefault("BICUBIC")
        String enlarge();

        /** DATASET, PERCENTILE or MIN_MAX (an explicit window is set with window). */
        @WithDefault("DATASET")
        String voi();

        /** Explicit window "centre,width". */
        Optional<String> window();

        @WithDefault("0")
        int windowIndex();

        /** Robust window "low,high" percentiles. */
        @WithDefault("0.5,99.5")
        String percentiles();
    }

    @ConfigMapping(prefix = "distillery.deid")
    public interface Deid {
        /** Name of the environment variable that holds the pseudonymisation secret (never the secret itself). */
        @WithDefault("DISTILLERY_DEID_SECRET")
        String secretEnv();

        /** Comma-separated de-identification options (deid command names); none: basic profile alone. */
        Optional<String> options();

        /** De-identify instead of quarantining instances that may carry burned-in text. */
        @WithDefault("false")
        boolean allowBurnedIn();

        @WithDefault("365")
        int maxDateShiftDays();
    }

    @ConfigMapping(prefix = "distillery.scp")
    public interface Scp {
        @WithDefault("DISTILLERY")
        String aet();

        @WithDefault("11112")
        int port();

        @WithDefault("127.0.0.1")
        String bindAddress();

        @WithDefault("data/spool")
        String spoolDir();

        /** Health turns DOWN when the spool's file system has less free space than this, in MiB. */
        @WithDefault("1024")
        long minFreeMb();
    }

    @ConfigMapping(prefix = "distillery.distillation")
    public interface Distillation {
        /** Each run writes cohort.npz, distilled/, package/ and package-audit/ into a new folder here. */
        @WithDefault("data/distillations")
        String workDir();

        /** The labels of the cohort, in class order. */
        @WithDefault("normal,pneumonia")
        java.util.List<String> labels();

        /** Outer iterations (400 take about 2 minutes on 2 cores). */
        @WithDefault("400")
        int iterations();

        @WithDefault("0")
        long seed();

        /** Ed25519 private key that signs the packages (PKCS#8; created on first use). Mount it from a secret. */
        @WithDefault("data/keys/signing.key")
        String signingKey();

        /** How often the schedule checks the cohort threshold (Camel duration: 10m, 1h, ...). */
        @WithDefault("10m")
        String checkPeriod();

        /** The scheduled trigger distils once every label has at least this many samples... */
        @WithDefault("100")
        int minSamplesPerLabel();

        /** ...and the store has grown by at least this many samples since the last successful run (any replica). */
        @WithDefault("100")
        int minNewSamples();

        /**
         * How long a replica's claim on the one running distillation lasts without renewal (it renews while it
         * runs); after a replica dies mid-run, another may start once this has passed.
         */
        @WithDefault("10m")
        java.time.Duration lease();

        /**
         * Differentially private distillation (docs/dp.md) with this target ε over the run; unset (the default)
         * runs the non-private method. The mode and the achieved ε go into metrics, manifest and audit report.
         */
        java.util.Optional<Double> dpEpsilon();

        /** δ of the DP guarantee: well below 1/(training images). */
        @WithDefault("1e-5")
        double dpDelta();

        /** Per-image L2 clip norm of the real-data gradients in DP mode. */
        @WithDefault("1.0")
        double dpClip();

        /**
         * Every real batch of the outer loop holds equally many images of each label ({@code distill
         * --balanced-batch}). Unset: on, unless dp-epsilon is set (the DP accountant assumes Poisson sampling);
         * true together with dp-epsilon is refused at start.
         */
        java.util.Optional<Boolean> balancedBatch();

        /**
         * Every this many iterations, score the distilled data on the cohort's validation patients and keep the
         * best state as the result ({@code distill --select-every}); 0 keeps the last state. Not with dp-epsilon.
         */
        @WithDefault("0")
        int selectEvery();
    }

    /** Read by routes/pacs-pull.yaml; mapped so that a mistyped key is refused at start. */
    @ConfigMapping(prefix = "distillery.pacs")
    public interface Pacs {
        @WithDefault("false")
        boolean enabled();

        /** The PACS as AET@host:port. */
        @WithDefault("PACS@127.0.0.1:104")
        String remote();

        /** C-FIND matching keys at study level (keyword=value, ',' separated; empty value matches all). */
        @WithDefault("StudyDate=")
        String query();

        /** Camel duration between polls. */
        @WithDefault("5m")
        String pollPeriod();
    }
}
