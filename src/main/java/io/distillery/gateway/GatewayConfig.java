package io.distillery.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The gateway's settings ({@code distillery.*} in application.properties); defaults documented there. */
@ConfigMapping(prefix = "distillery")
public interface GatewayConfig {

    Store store();

    Labels labels();

    Normalize normalize();

    Deid deid();

    Scp scp();

    interface Store {
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

    interface Labels {
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
    interface Normalize {
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

    interface Deid {
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

    interface Scp {
        @WithDefault("DISTILLERY")
        String aet();

        @WithDefault("11112")
        int port();

        @WithDefault("127.0.0.1")
        String bindAddress();

        @WithDefault("data/spool")
        String spoolDir();
    }
}
