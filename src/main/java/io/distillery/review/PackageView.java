package io.distillery.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.share.SharePackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a reviewer sees of a queued package, read from disk: the manifest summary, label distributions and where
 * the privacy-audit report is. {@code manifestOnDisk} is the SHA-256 of the manifest as it is now, so the page can
 * refuse a decision when the files changed after the package was queued.
 */
public record PackageView(
        ReviewItem item,
        String manifestOnDisk,
        String problem,
        String created,
        String software,
        String privacyMode,
        int iterations,
        Map<String, String> evaluation,
        List<LabelCount> cohortLabels,
        List<SoftLabel> softLabels,
        int files,
        Optional<Path> report) {

    /** Images per label in one split of the source cohort. */
    public record LabelCount(String split, String label, int count) {}

    /** One distilled image's soft label: probability per class, formatted for display. */
    public record SoftLabel(int image, List<String> probabilities) {}

    /**
     * The audit report lives beside the package ({@code PATH-audit/report.html}, as {@code package build} writes
     * it), never inside: it shows real training images, which must not leave.
     */
    public static Path reportPath(Path packageDir) {
        Path abs = packageDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + "-audit").resolve("report.html");
    }

    /** True when the manifest on disk is still exactly the one the package was queued with. */
    public boolean unchanged() {
        return problem == null && item.manifestSha256().equals(manifestOnDisk);
    }

    public static PackageView of(ReviewItem item) {
        Path report = reportPath(item.packageDir());
        Optional<Path> reportFile = Files.isRegularFile(report) ? Optional.of(report) : Optional.empty();
        byte[] bytes;
        JsonNode m;
        try {
            bytes = Files.readAllBytes(item.packageDir().resolve(SharePackage.MANIFEST));
            m = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            return new PackageView(item, null, "cannot read the manifest: " + e.getMessage(), null, null, null, 0,
                    Map.of(), List.of(), List.of(), 0, reportFile);
        }
        Map<String, String> evaluation = new java.util.LinkedHashMap<>();
        for (String k : new String[] {"acc_distilled", "acc_full", "acc_random_real", "compression_ratio"}) {
            JsonNode v = m.path("evaluation").path(k);
            if (v.isNumber()) {
                evaluation.put(k, String.format(java.util.Locale.ROOT, "%.4f", v.asDouble()));
            }
        }
        List<LabelCount> cohort = new ArrayList<>();
        m.at("/provenance/counts_per_label").fields().forEachRemaining(split -> split.getValue().fields()
                .forEachRemaining(l -> cohort.add(new LabelCount(split.getKey(), l.getKey(), l.getValue().asInt()))));
        List<SoftLabel> soft = new ArrayList<>();
        Iterator<JsonNode> images = m.at("/soft_labels/per_image").elements();
        for (int i = 0; images.hasNext(); i++) {
            List<String> p = new ArrayList<>();
            images.next().elements().forEachRemaining(v -> p.add(String.format(java.util.Locale.ROOT, "%.3f",
                    v.asDouble())));
            soft.add(new SoftLabel(i, p));
        }
        String problem = m.path("package_id").asText().equals(item.packageId()) ? null
                : "the manifest names package " + m.path("package_id").asText() + ", not " + item.packageId();
        return new PackageView(item, sha256(bytes), problem, m.path("created").asText(null),
                m.at("/software/name").asText("") + " " + m.at("/software/version").asText(""),
                m.at("/distillation/privacy_mode").asText(null), m.at("/distillation/iterations").asInt(),
                evaluation, cohort, soft, m.path("files").size(), reportFile);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
