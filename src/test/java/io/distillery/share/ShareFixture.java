package io.distillery.share;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distillery.cli.DistilleryCommand;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One tiny real distillation run shared by the package tests: a PneumoniaMNIST subset (300 train, 100 val,
 * 200 test images) distilled for 2 iterations with the {@code distill} command, so that packages are built from
 * the engine's real output files. Made once per test JVM.
 */
final class ShareFixture {
    static final int TRAIN = 300;
    static final int VAL = 100;
    static final int TEST = 200;
    private static ShareFixture instance;

    final Path root;
    final Path cohort;
    final Path distilled;
    final Path key;

    private ShareFixture(Path root) throws IOException {
        this.root = root;
        this.cohort = root.resolve("cohort.npz");
        this.distilled = root.resolve("distilled");
        this.key = root.resolve("keys").resolve("signing.key");
        Map<String, NpyArray> src = Npy.readNpz(SharedData.data("medmnist/pneumoniamnist.npz"));
        Map<String, NpyArray> sub = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            int n = split.equals("train") ? TRAIN : split.equals("val") ? VAL : TEST;
            sub.put(split + "_images", head(src.get(split + "_images"), n));
            sub.put(split + "_labels", head(src.get(split + "_labels"), n));
        }
        Npy.writeNpz(cohort, sub);
        int rc = DistilleryCommand.execute("distill", "--data", cohort.toString(), "--out", distilled.toString(),
                "--iterations", "2", "--batch", "32", "--images-per-step", "2", "--steps", "2", "--epochs", "2",
                "--full-epochs", "0", "--seed", "7");
        assertEquals(0, rc, "distill run for the fixture");
    }

    static synchronized ShareFixture get() throws IOException {
        if (instance == null) {
            Path root = Files.createTempDirectory("share-fixture");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> PackageBuilder.deleteTree(root)));
            instance = new ShareFixture(root);
        }
        return instance;
    }

    /** A fresh package of the fixture's run in a new folder. */
    SharePackage build(String name) throws IOException {
        return PackageBuilder.build(distilled, cohort, Files.createTempDirectory(root, name).resolve("pkg"),
                SigningKeys.loadOrCreate(key), null);
    }

    private static NpyArray head(NpyArray a, int n) {
        int[] shape = a.shape().clone();
        int per = (int) (a.size() / shape[0]) * NpyArray.itemSize(a.dtype());
        shape[0] = n;
        return new NpyArray(a.dtype(), shape, Arrays.copyOf(a.data(), n * per));
    }
}
