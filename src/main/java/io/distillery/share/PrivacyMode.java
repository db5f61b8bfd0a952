package io.distillery.share;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Which privacy mode a distill run used, as its metrics.json {@code privacy} block records it, and what that
 * means for what leaves: in the differentially private mode the values computed from the real training data
 * without noise (the baselines, the last outer loss) stay out of the manifest, since publishing them would void
 * the guarantee.
 */
final class PrivacyMode {
    static final String DP = "differentially-private";

    private PrivacyMode() {
    }

    static boolean isPrivate(JsonNode metrics) {
        return DP.equals(metrics.at("/privacy/mode").asText());
    }

    /** The sentence the manifest and the report carry. */
    static String sentence(JsonNode privacy) {
        if (!DP.equals(privacy.path("mode").asText())) {
            return "non-private mode: no formal privacy guarantee";
        }
        return String.format(Locale.ROOT, "differentially private mode: (ε, δ) = (%.3g, %.3g) for adding or removing"
                        + " one training image (noise multiplier %.4g, clip %.4g, sampling rate %.4g, %d steps)",
                privacy.path("epsilon").asDouble(), privacy.path("delta").asDouble(),
                privacy.path("noise_multiplier").asDouble(), privacy.path("clip").asDouble(),
                privacy.path("sampling_rate").asDouble(), privacy.path("steps").asInt());
    }

    /** The evaluation block of the manifest: all of metrics.json, less the non-private values in DP mode. */
    static JsonNode releasedEvaluation(JsonNode metrics) {
        if (!isPrivate(metrics)) {
            return metrics;
        }
        ObjectNode released = metrics.deepCopy();
        JsonNode withheld = metrics.at("/privacy/non_private_metrics");
        withheld.forEach(k -> released.remove(k.asText()));
        ((ObjectNode) released.get("privacy")).put("withheld_from_package", "the non_private_metrics: computed"
                + " from real training data without noise (random-real and full-data baselines, last outer loss)");
        return released;
    }
}
