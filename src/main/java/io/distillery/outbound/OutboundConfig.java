package io.distillery.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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
}
