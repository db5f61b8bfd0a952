package io.distillery.share;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.cli.Version;
import io.distillery.distill.Dl4jLeNet;
import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.NpzDataset;
import io.distillery.distill.data.Outputs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds a signed package from a {@code distill --out} folder. The package is assembled in a temporary sibling
 * folder and renamed into place, so a failed build leaves nothing half-written. See PACKAGE.md (written into
 * every package) for the layout.
 */
public final class PackageBuilder {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    /** Copied from the trained model the distill run wrote, for comparison with the rebuilt one. */
    static final String TRAINED_WEIGHTS = "trained_weights.f32";
    /** The same trained weights as a DL4J model zip, loadable with stock DL4J. */
    static final String TRAINED_WEIGHTS_DL4J = "trained_weights.dl4j.zip";

    private PackageBuilder() {
    }

    /**
     * @param provenance source facts the cohort file cannot tell (modalities, time window...), merged into the
     *                   manifest's provenance; may be null
     */
    public static SharePackage build(Path distilledDir, Path cohortNpz, Path out, SigningKeys keys,
                                     JsonNode provenance) throws IOException {
        if (Files.exists(out) && (!Files.isDirectory(out) || hasEntries(out))) {
            throw new ShareException(out + ": already exists and is not an empty folder");
        }
        CompressedModel model = CompressedModel.read(distilledDir);
        Path metricsFile = distilledDir.resolve("metrics.json");
        if (!Files.isRegularFile(metricsFile)) {
            throw new ShareException(metricsFile + ": missing (is " + distilledDir + " a distill --out folder?)");
        }
        JsonNode metrics = JSON.readTree(metricsFile.toFile());
        JsonNode spec = JSON.readTree(distilledDir.resolve(CompressedModel.SPEC).toFile());
        NpzDataset cohort = NpzDataset.read(cohortNpz);

        String id = UUID.randomUUID().toString();
        Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".building-" + id);
        Files.createDirectories(tmp);
        try {
            Files.createDirectories(tmp.resolve("images"));
            Files.createDirectories(tmp.resolve("previews"));
            Path modelDir = Files.createDirectories(tmp.resolve("model"));
            for (String f : new String[] {CompressedModel.SPEC, CompressedModel.IMAGES, CompressedModel.LABELS,
                    CompressedModel.LEARNING_RATES}) {
                Files.copy(distilledDir.resolve(f), modelDir.resolve(f));
            }
            boolean dp = PrivacyMode.isPrivate(metrics);
            boolean weights = dp || Files.isRegularFile(distilledDir.resolve("model.f32"));
            // Only LeNet has a DL4J twin (DL4J has no instance-norm layer for the ConvNet).
            boolean dl4j = weights && "lenet".equals(model.spec().model());
            if (dp) {
                // Only the replay of the released distilled data may leave in the private mode (post-processing):
                // the weights are rebuilt here, never copied, so no file trained otherwise can slip in.
                INDArray rebuilt = model.rebuild();
                Outputs.writeRawFloats(modelDir.resolve(TRAINED_WEIGHTS), rebuilt);
                if (dl4j) {
                    Dl4jLeNet.write(model.spec(), rebuilt, modelDir.resolve(TRAINED_WEIGHTS_DL4J));
                }
            } else if (weights) {
                Files.copy(distilledDir.resolve("model.f32"), modelDir.resolve(TRAINED_WEIGHTS));
                if (dl4j) {
                    Dl4jLeNet.write(model.spec(), readRawFloats(distilledDir.resolve("model.f32")),
                            modelDir.resolve(TRAINED_WEIGHTS_DL4J));
                }
            }

            ScImages.Study study = ScImages.Study.fresh(id);
            int[] initialClass = initialClasses(model);
            ArrayNode softLabels = JSON.createArrayNode();
            for (int i = 0; i < model.size(); i++) {
                double[] label = model.softLabel(i);
                ArrayNode l = softLabels.addArray();
                for (double v : label) {
                    l.add(v);
                }
                ObjectNode comment = JSON.createObjectNode();
                comment.put("distillery_soft_label", 1);
                comment.set("soft_label", l.deepCopy());
                comment.put("initial_class", initialClass[i]);
                double[] px = model.unitImage(i);
                ScImages.writeDicom(tmp.resolve("images").resolve(ScImages.fileName(i, "dcm")), study, i + 1,
                        model.spec().height(), model.spec().width(), px, label, initialClass[i],
                        new ObjectMapper().writeValueAsString(comment));
                ScImages.writePng(tmp.resolve("previews").resolve(ScImages.fileName(i, "png")), px,
                        model.spec().height(), model.spec().width());
            }
            Files.write(tmp.resolve(SharePackage.SIGNER), keys.publicKey().getEncoded());
            try (InputStream doc = PackageBuilder.class.getResourceAsStream("PACKAGE.md")) {
                Files.write(tmp.resolve("PACKAGE.md"), doc.readAllBytes());
            }

            ObjectNode m = JSON.createObjectNode();
            m.put("schema", SharePackage.SCHEMA);
            m.put("package_id", id);
            m.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            ObjectNode sw = m.putObject("software");
            sw.put("name", "distillery");
            sw.put("version", Version.get());
            ObjectNode signer = m.putObject("signer");
            signer.put("algorithm", SigningKeys.ALGORITHM);
            signer.put("public_key", SharePackage.SIGNER);
            signer.put("fingerprint_sha256", SigningKeys.fingerprint(keys.publicKey()));
            m.set("provenance", provenance(cohortNpz, cohort, provenance));
            ObjectNode d = m.putObject("distillation");
            d.set("model_spec", spec);
            d.put("iterations", metrics.path("iterations").asInt());
            d.put("learned_learning_rates", true);
            JsonNode privacy = metrics.path("privacy").isObject() ? metrics.get("privacy")
                    : JSON.createObjectNode().put("mode", "non-private");
            d.put("privacy_mode", PrivacyMode.sentence(privacy));
            m.set("evaluation", PrivacyMode.releasedEvaluation(metrics));
            ObjectNode labels = m.putObject("soft_labels");
            labels.put("encoding", "DICOM private block '" + ScImages.PRIVATE_CREATOR
                    + "' (0029,1001) FD per object; JSON in Image Comments (0020,4000); model/soft_labels.npy");
            labels.set("per_image", softLabels);
            m.put("trained_weights", !weights ? "not present: the distill folder had no model.f32"
                    : "model/" + TRAINED_WEIGHTS + ": raw little-endian float32 parameters in the engine's flat layout"
                    + (dl4j ? "; model/" + TRAINED_WEIGHTS_DL4J + ": the same weights as a DL4J MultiLayerNetwork"
                    + " (ModelSerializer, no updater), softmax output = softmax of the engine's logits"
                    : "; no DL4J export for model '" + model.spec().model() + "' (only lenet has one)")
                    + (dp ? "; rebuilt from the distilled data at packaging (differentially private mode: no weights"
                    + " trained on real data are shipped)" : ""));
            ObjectNode files = m.putObject("files");
            for (Map.Entry<String, Path> e : listFiles(tmp).entrySet()) {
                ObjectNode f = files.putObject(e.getKey());
                f.put("sha256", Hashes.sha256(e.getValue()));
                f.put("bytes", Files.size(e.getValue()));
            }
            byte[] manifest = JSON.writeValueAsBytes(m);
            Files.write(tmp.resolve(SharePackage.MANIFEST), manifest);
            Files.write(tmp.resolve(SharePackage.SIGNATURE), keys.sign(manifest));
            if (Files.isDirectory(out)) {
                Files.delete(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            return new SharePackage(id, out, Hashes.sha256(manifest));
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** The class each distilled image was initialised as (the engine cycles classes within each step). */
    static int[] initialClasses(CompressedModel model) {
        int perStep = model.data().imagesPerStep();
        int[] c = new int[model.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = (i % perStep) % model.spec().numClasses();
        }
        return c;
    }

    private static ObjectNode provenance(Path cohortNpz, NpzDataset cohort, JsonNode extra) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("cohort_file", cohortNpz.getFileName().toString());
        p.put("cohort_sha256", Hashes.sha256(cohortNpz));
        ObjectNode counts = p.putObject("counts_per_label");
        addCounts(counts, "train", cohort.train());
        if (cohort.val() != null) {
            addCounts(counts, "val", cohort.val());
        }
        addCounts(counts, "test", cohort.test());
        p.put("source_modalities", "not provided");
        p.put("time_window", "not provided");
        if (extra != null && extra.isObject()) {
            extra.fields().forEachRemaining(e -> p.set(e.getKey(), e.getValue()));
        }
        return p;
    }

    private static void addCounts(ObjectNode counts, String split, ImageSet set) {
        ObjectNode s = counts.putObject(split);
        int[] n = new int[set.numClasses()];
        for (int l : set.labels()) {
            n[l]++;
        }
        for (int c = 0; c < n.length; c++) {
            s.put(Integer.toString(c), n[c]);
        }
    }

    /** Every regular file under {@code dir} by its '/'-separated relative path, sorted. */
    static Map<String, Path> listFiles(Path dir) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(dir)) {
                    String rel = dir.relativize(p).toString().replace('\\', '/');
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        out.put(rel, p);
                    } else if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        out.put(rel, p); // symlinks and specials are listed so that verify rejects them
                    }
                }
            }
        }
        return out;
    }

    private static INDArray readRawFloats(Path file) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bb.remaining() / 4];
        bb.asFloatBuffer().get(v);
        return Nd4j.createFromArray(v);
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover temp folder is named .building-<id> and harmless
        }
    }
}
