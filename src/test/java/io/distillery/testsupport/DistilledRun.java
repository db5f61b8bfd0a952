package io.distillery.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distillery.cli.DistilleryCommand;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import io.distillery.share.PackageBuilder;
import io.distillery.share.SharePackage;
import io.distillery.share.SigningKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One tiny real distillation run shared by the package and review tests: a PneumoniaMNIST subset (300 train,
 * 100 val, 200 test images) distilled for 2 iterations with the {@code distill} command, so that packages are built
 * from the engine's real output files. Made once per test JVM, deleted at its exit.
 */
public final class DistilledRun {
    public static final int TRAIN = 300;
    public static final int VAL = 100;
    public static final int TEST = 200;
    private static DistilledRun instance;

    public final Path root;
    public final Path cohort;
    public final Path distilled;
    public final Path key;

    private DistilledRun(Path root) throws IOException {
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
        assertEquals(0, rc, "distill run for the test packages");
    }

    public static synchronized DistilledRun get() throws IOException {
        if (instance == null) {
            Path root = Files.createTempDirectory("distilled-run");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
            instance = new DistilledRun(root);
        }
        return instance;
    }

    /** A fresh signed package of the run in a new folder named after {@code name}. */
    public SharePackage build(String name) throws IOException {
        return PackageBuilder.build(distilled, cohort, Files.createTempDirectory(root, name).resolve("pkg"),
                SigningKeys.loadOrCreate(key), null);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    private static NpyArray head(NpyArray a, int n) {
        int[] shape = a.shape().clone();
        int per = (int) (a.size() / shape[0]) * NpyArray.itemSize(a.dtype());
        shape[0] = n;
        return new NpyArray(a.dtype(), shape, Arrays.copyOf(a.data(), n * per));
    }
}
