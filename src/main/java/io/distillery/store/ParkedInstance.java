package io.distillery.store;

import java.time.Instant;

/** An instance held back from the cohort (for example unlabelled), with why and where its file is. */
public record ParkedInstance(String key, String reason, String modality, String sopClassUid, String route,
        String filePath, Instant parkedAt) {
}
