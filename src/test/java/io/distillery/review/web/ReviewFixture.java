package io.distillery.review.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distillery.cli.DistilleryCommand;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import io.distillery.share.PackageBuilder;
import io.distillery.share.PrivacyAudit;
import io.distillery.share.SharePackage;
import io.distillery.share.SigningKeys;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real packages for the review page: a small PneumoniaMNIST subset distilled for 2 iterations by the
 * {@code distill} command (once per JVM), then any number of signed packages of that run, each privacy-audited
 * into its {@code PATH-audit} folder exactly as {@code package build} does.
 */
final class ReviewFixture {
    private static ReviewFixture instance;
    private final Path root;
    private final Path cohort;
    private final Path distilled;
    private final Path key;
    private int packages;

    /** A package with its audit verdict. */
    record Audited(SharePackage pkg, String verdict) {}

    private ReviewFixture(Path root) throws IOException {
        this.root = root;
        this.cohort = root.resolve("cohort.npz");
        this.distilled = root.resolve("distilled");
        this.key = root.resolve("keys").resolve("signing.key");
        Map<String, NpyArray> src = Npy.readNpz(SharedData.data("medmnist/pneumoniamnist.npz"));
        Map<String, NpyArray> sub = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            int n = split.equals("train") ? 200 : 100;
            sub.put(split + "_images", head(src.get(split + "_images"), n));
            sub.put(split + "_labels", head(src.get(split + "_labels"), n));
        }
        Npy.writeNpz(cohort, sub);
        int rc = DistilleryCommand.execute("distill", "--data", cohort.toString(), "--out", distilled.toString(),
                "--iterations", "2", "--batch", "32", "--images-per-step", "2", "--steps", "1", "--epochs", "1",
                "--full-epochs", "0", "--seed", "7");
        assertEquals(0, rc, "distill run for the review fixture");
    }

    static synchronized ReviewFixture get() throws IOException {
        if (instance == null) {
            instance = new ReviewFixture(Files.createTempDirectory("review-fixture"));
        }
        return instance;
    }

    synchronized Audited build() throws IOException {
        Path dir = root.resolve("packages").resolve("p" + (++packages));
        Files.createDirectories(dir.getParent());
        SharePackage pkg = PackageBuilder.build(distilled, cohort, dir, SigningKeys.loadOrCreate(key), null);
        PrivacyAudit.Result r = PrivacyAudit.run(pkg.dir(), cohort, List.of("DOE^JANE", "PAT-0001"),
                new PrivacyAudit.Config(0.95, 0.98, 0.60, 50, 100, 0),
                dir.resolveSibling(dir.getFileName() + "-audit"));
        return new Audited(pkg, r.verdict().name());
    }

    private static NpyArray head(NpyArray a, int n) {
        int[] shape = a.shape().clone();
        int per = (int) (a.size() / shape[0]) * NpyArray.itemSize(a.dtype());
        shape[0] = n;
        return new NpyArray(a.dtype(), shape, Arrays.copyOf(a.data(), n * per));
    }
}
