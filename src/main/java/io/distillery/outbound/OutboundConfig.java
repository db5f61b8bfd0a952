package io.distillery.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The Java side of {@code distillery.outbound.*} (defaults documented in application.properties). Each
 * destination's own keys (folder, cstore, stow, s3, sftp) are read by routes/outbound.yaml.
 */
@ConfigMapping(prefix = "distillery.outbound")
public interface OutboundConfig {

    /** Most deliveries one poll claims per destination. */
    @WithDefault("10")
    int batch();

    /** How long a claimed delivery belongs to this replica; must exceed the longest single delivery. */
    @WithDefault("PT15M")
    Duration lease();

    Retry retry();

    interface Retry {
        /** Attempts in all, the first included, before the dead letter. */
        @WithDefault("8")
        int maxAttempts();

        @WithDefault("PT30S")
        Duration initialDelay();

        @WithDefault("2")
        double multiplier();

        @WithDefault("PT1H")
        Duration maxDelay();
    }

    // The keys below are read by routes/outbound.yaml as {{...}} placeholders; they are declared here so that
    // their defaults live in one place and a mistyped key under distillery.outbound is refused at start.

    /** Milliseconds between two polls of each enabled destination. */
    @WithDefault("10000")
    long pollInterval();

    Folder folder();

    Cstore cstore();

    Stow stow();

    S3 s3();

    Sftp sftp();

    interface Folder {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("data/outbound")
        String directory();
    }

    interface Cstore {
        @WithDefault("false")
        boolean enabled();

        /** Partner PACS as AET@host:port. */
        @WithDefault("PARTNER@127.0.0.1:104")
        String remote();

        /** Our calling AE title. */
        @WithDefault("DISTILLERY")
        String aet();
    }

    interface Stow {
        @WithDefault("false")
        boolean enabled();

        /** The partner's DICOMweb base URL. */
        @WithDefault("http://127.0.0.1:8042/dicom-web")
        String url();
    }

    interface S3 {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("distillery-packages")
        String bucket();

        Optional<String> prefix();

        @WithDefault("us-east-1")
        String region();

        @WithDefault("false")
        boolean overrideEndpoint();

        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        @WithDefault("false")
        boolean pathStyle();

        @WithDefault("false")
        boolean defaultCredentials();

        /** From the environment only (DISTILLERY_OUTBOUND_S3_ACCESS_KEY). */
        Optional<String> accessKey();

        /** From the environment only (DISTILLERY_OUTBOUND_S3_SECRET_KEY). */
        Optional<String> secretKey();
    }

    interface Sftp {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("127.0.0.1")
        String host();

        @WithDefault("22")
        int port();

        @WithDefault("incoming")
        String directory();

        @WithDefault("distillery")
        String username();

        /** From the environment only (DISTILLERY_OUTBOUND_SFTP_PASSWORD); or a private key file. */
        Optional<String> password();

        Optional<String> privateKeyFile();

        @WithDefault("config/sftp_known_hosts")
        String knownHostsFile();
    }
}
