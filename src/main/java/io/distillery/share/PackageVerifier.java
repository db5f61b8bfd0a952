package io.distillery.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.distill.Dl4jLeNet;
import io.distillery.distill.Metrics;
import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.NpzDataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a partner runs on receipt: signature, signer pin, every file's hash and size, no unlisted file, and the
 * model rebuilt from seed and distilled data (compared with the shipped weights, and measured on a test set), and the
 * DL4J model zip restored with stock DL4J ({@link ModelSerializer}) and checked to predict what the rebuilt model
 * predicts.
 */
public final class PackageVerifier {
    /** Largest parameter difference accepted between rebuilt and shipped weights (float32 storage rounding). */
    static final double WEIGHT_TOLERANCE = 1e-3;
    /** Largest softmax difference accepted between the shipped DL4J model and the rebuilt model, per class. */
    static final double PREDICTION_TOLERANCE = 1e-3;

    /**
     * @param failures     one line per failed check; empty means verified
     * @param accuracy     accuracy of the rebuilt model on the test set, or null if none was given or it could not
     *                     be rebuilt
     * @param notes        informative lines (fingerprint, weight difference)
     * @param dl4jTestAccuracy accuracy of the shipped DL4J model zip on the same test set, or null if there is no
     *                     test set or no zip
     */
    public record Result(String packageId, String manifestSha256, List<String> failures, List<String> notes,
                         Metrics test, Double dl4jTestAccuracy) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private PackageVerifier() {
    }

    /**
     * @param trustedKey the public key the partner pinned; null to accept the package's own {@code signer.pub}
     *                   (reported in the notes so that it can be compared by hand)
     * @param testNpz    npz whose test split measures the rebuilt model; may be null
     */
    public static Result verify(Path dir, PublicKey trustedKey, Path testNpz) {
        List<String> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Result(null, null, List.of(dir + ": not a package folder"), notes, null, null);
        }
        Path manifestFile = dir.resolve(SharePackage.MANIFEST);
        byte[] manifest;
        JsonNode m;
        try {
            manifest = Files.readAllBytes(manifestFile);
            m = PackageBuilder.JSON.readTree(manifest);
        } catch (IOException e) {
            return new Result(null, null, List.of(manifestFile + ": unreadable manifest (" + e.getMessage() + ")"),
                    notes, null, null);
        }
        String id = m.path("package_id").asText(null);
        String manifestHash = Hashes.sha256(manifest);
        if (!SharePackage.SCHEMA.equals(m.path("schema").asText())) {
            failures.add(manifestFile + ": unknown schema '" + m.path("schema").asText() + "'");
        }
        checkSignature(dir, manifest, m, trustedKey, failures, notes);
        boolean filesIntact = checkFiles(dir, m, failures);
        Metrics test = null;
        Double dl4jAccuracy = null;
        if (filesIntact) {
            try {
                CompressedModel model = CompressedModel.read(dir.resolve("model"));
                INDArray theta = model.rebuild();
                compareWeights(dir.resolve("model").resolve(PackageBuilder.TRAINED_WEIGHTS), theta, failures, notes);
                ImageSet testSet = null;
                if (testNpz != null) {
                    NpzDataset ds = NpzDataset.read(testNpz);
                    testSet = model.restandardise(ds.test(), ds.standardisation());
                    test = model.evaluate(theta, testSet);
                }
                dl4jAccuracy = checkDl4jModel(dir.resolve("model").resolve(PackageBuilder.TRAINED_WEIGHTS_DL4J), model,
                        theta, testSet, failures, notes);
            } catch (RuntimeException e) {
                failures.add(dir.resolve("model") + ": cannot rebuild the model: " + e.getMessage());
            }
        } else {
            notes.add("model not rebuilt: the package's files failed their checks");
        }
        return new Result(id, manifestHash, failures, notes, test, dl4jAccuracy);
    }

    private static void checkSignature(Path dir, byte[] manifest, JsonNode m, PublicKey trustedKey,
                                       List<String> failures, List<String> notes) {
        Path sigFile = dir.resolve(SharePackage.SIGNATURE);
        Path pubFile = dir.resolve(SharePackage.SIGNER);
        byte[] sig;
        PublicKey shipped;
        try {
            sig = Files.readAllBytes(sigFile);
        } catch (IOException e) {
            failures.add(sigFile + ": missing or unreadable signature");
            return;
        }
        try {
            shipped = SigningKeys.readPublic(pubFile);
        } catch (ShareException e) {
            failures.add(e.getMessage());
            return;
        }
        String fp = SigningKeys.fingerprint(shipped);
        if (!fp.equals(m.path("signer").path("fingerprint_sha256").asText())) {
            failures.add(pubFile + ": fingerprint " + fp + " differs from the manifest's signer fingerprint");
        }
        PublicKey key = shipped;
        if (trustedKey != null) {
            String pinned = SigningKeys.fingerprint(trustedKey);
            if (!pinned.equals(fp)) {
                failures.add(pubFile + ": signer " + fp + " is not the pinned key " + pinned);
            }
            key = trustedKey;
        } else {
            notes.add("signer fingerprint " + fp + " (not pinned: compare it with the sender's)");
        }
        if (!SigningKeys.verify(key, manifest, sig)) {
            failures.add(sigFile + ": signature does not match manifest.json"
                    + (trustedKey != null ? " under the pinned key" : ""));
        }
    }

    private static boolean checkFiles(Path dir, JsonNode m, List<String> failures) {
        int before = failures.size();
        JsonNode listed = m.path("files");
        if (!listed.isObject() || listed.isEmpty()) {
            failures.add(dir.resolve(SharePackage.MANIFEST) + ": lists no files");
            return false;
        }
        Map<String, Path> present;
        try {
            present = PackageBuilder.listFiles(dir);
        } catch (IOException e) {
            failures.add(dir + ": cannot list files: " + e.getMessage());
            return false;
        }
        present.remove(SharePackage.MANIFEST);
        present.remove(SharePackage.SIGNATURE);
        for (Iterator<Map.Entry<String, JsonNode>> it = listed.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path p = present.remove(e.getKey());
            Path where = dir.resolve(e.getKey());
            if (p == null || e.getKey().contains("..")) {
                failures.add(where + ": listed in the manifest but missing");
                continue;
            }
            if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                failures.add(where + ": not a regular file");
                continue;
            }
            try {
                long size = Files.size(p);
                if (size != e.getValue().path("bytes").asLong(-1)) {
                    failures.add(where + ": size " + size + " differs from the manifest's "
                            + e.getValue().path("bytes").asLong(-1));
                } else if (!Hashes.sha256(p).equals(e.getValue().path("sha256").asText())) {
                    failures.add(where + ": SHA-256 differs from the manifest (file changed)");
                }
            } catch (IOException ex) {
                failures.add(where + ": unreadable: " + ex.getMessage());
            }
        }
        for (String extra : present.keySet()) {
            failures.add(dir.resolve(extra) + ": not listed in the manifest (unexpected file)");
        }
        return failures.size() == before;
    }

    /**
     * Restores the shipped DL4J zip and compares its softmax with the rebuilt model's (the same LeNet built in DL4J
     * from the rebuilt weights) on the distilled images and, if given, the test set. Returns the zip's accuracy on
     * the test set, or null.
     */
    private static Double checkDl4jModel(Path zip, CompressedModel model, INDArray theta, ImageSet testSet,
            List<String> failures, List<String> notes) {
        if (!Files.isRegularFile(zip)) {
            notes.add("no DL4J model zip shipped (" + zip.getFileName() + ")");
            return null;
        }
        MultiLayerNetwork shipped;
        try {
            shipped = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            failures.add(zip + ": DL4J cannot restore the model: " + e.getMessage());
            return null;
        }
        MultiLayerNetwork rebuilt = Dl4jLeNet.build(model.spec(), theta);
        INDArray probe = model.data().images().castTo(DataType.FLOAT);
        if (testSet != null) {
            probe = org.nd4j.linalg.factory.Nd4j.concat(0, probe,
                    testSet.images(ImageSet.range(0, testSet.size()), DataType.FLOAT));
        }
        INDArray shippedOut;
        try {
            shippedOut = shipped.output(probe);
        } catch (RuntimeException e) {
            failures.add(zip + ": the restored DL4J model does not take this package's images: " + e.getMessage());
            return null;
        }
        double diff = shippedOut.sub(rebuilt.output(probe)).amaxNumber().doubleValue();
        notes.add(String.format(java.util.Locale.ROOT, "%s restored with DL4J: its predictions differ from the rebuilt"
                + " model's by at most %.3g on %d images", zip.getFileName(), diff, probe.size(0)));
        if (!(diff <= PREDICTION_TOLERANCE)) {
            failures.add(zip + ": the DL4J model predicts differently from the rebuilt model (softmax differs by "
                    + diff + ")");
        }
        if (testSet == null) {
            return null;
        }
        long n = probe.size(0);
        int offset = (int) (n - testSet.size());
        INDArray predicted = shippedOut.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, n),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).argMax(1);
        int correct = 0;
        for (int i = 0; i < testSet.size(); i++) {
            if (predicted.getInt(i) == testSet.labels()[i]) {
                correct++;
            }
        }
        return (double) correct / testSet.size();
    }

    private static void compareWeights(Path shipped, INDArray rebuilt, List<String> failures, List<String> notes) {
        if (!Files.isRegularFile(shipped)) {
            notes.add("no shipped weights to compare with");
            return;
        }
        try {
            ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(shipped)).order(ByteOrder.LITTLE_ENDIAN);
            if (bb.remaining() != 4 * rebuilt.length()) {
                failures.add(shipped + ": holds " + bb.remaining() / 4 + " parameters, the rebuilt model has "
                        + rebuilt.length());
                return;
            }
            double[] r = rebuilt.toDoubleVector();
            double max = 0;
            for (double v : r) {
                max = Math.max(max, Math.abs(bb.getFloat() - v));
            }
            notes.add(String.format(java.util.Locale.ROOT, "rebuilt weights differ from %s by at most %.3g",
                    shipped.getFileName(), max));
            if (!(max <= WEIGHT_TOLERANCE)) {
                failures.add(shipped + ": rebuilt model differs from the shipped weights by " + max);
            }
        } catch (IOException e) {
            failures.add(shipped + ": unreadable: " + e.getMessage());
        }
    }
}
