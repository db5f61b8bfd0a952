package io.distillery.share;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.distill.DistilledData;
import io.distillery.distill.Distiller;
import io.distillery.distill.Hypergradient;
import io.distillery.distill.Metrics;
import io.distillery.distill.ModelSpec;
import io.distillery.distill.Network;
import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.Standardisation;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model as the package carries it: spec, init seed, learned learning rates, distilled images and soft
 * labels (the files of a {@code distill --out} folder). {@link #rebuild()} replays the learned steps with the
 * distillation engine from the seed's initialisation, which is the trained model the package stands in for.
 */
public record CompressedModel(ModelSpec spec, long seed, boolean fixedInit, Standardisation standardisation,
                              DistilledData data) {
    public static final String SPEC = "model_spec.json";
    public static final String IMAGES = "distilled_images.npy";
    public static final String LABELS = "soft_labels.npy";
    public static final String LEARNING_RATES = "learning_rates.npy";

    /** Reads the four files from {@code dir} (a distill output folder or a package's {@code model/}). */
    public static CompressedModel read(Path dir) {
        JsonNode j;
        Path specFile = dir.resolve(SPEC);
        try {
            j = new ObjectMapper().readTree(specFile.toFile());
        } catch (IOException e) {
            throw new ShareException(specFile + ": unreadable model spec (" + e.getMessage() + ")", e);
        }
        for (String field : new String[] {"model", "input", "classes", "init", "init_seed", "steps", "epochs",
                "images_per_step", "standardisation"}) {
            if (!j.has(field)) {
                throw new ShareException(specFile + ": missing field '" + field + "'");
            }
        }
        JsonNode in = j.get("input");
        ModelSpec spec = new ModelSpec(j.get("model").asText(), in.get(0).asInt(), in.get(1).asInt(), in.get(2).asInt(),
                j.get("classes").asInt(), j.path("net_width").asInt(0));
        int steps = j.get("steps").asInt();
        int perStep = j.get("images_per_step").asInt();
        int epochs = j.get("epochs").asInt();
        double[] images = floats(dir.resolve(IMAGES));
        double[] labels = floats(dir.resolve(LABELS));
        double[] lrs = floats(dir.resolve(LEARNING_RATES));
        int n = steps * perStep;
        int imageSize = spec.channels() * spec.height() * spec.width();
        if (images.length != n * imageSize) {
            throw new ShareException(dir.resolve(IMAGES) + ": expected " + n + " images of " + imageSize + " values");
        }
        if (labels.length != n * spec.numClasses()) {
            throw new ShareException(dir.resolve(LABELS) + ": expected " + n + " x " + spec.numClasses() + " labels");
        }
        if (lrs.length != steps * epochs) {
            throw new ShareException(dir.resolve(LEARNING_RATES) + ": expected " + steps * epochs + " learning rates");
        }
        double[] raw = new double[lrs.length];
        for (int t = 0; t < raw.length; t++) {
            double y = lrs[t];
            raw[t] = y > 30 ? y : Math.log(Math.expm1(y)); // inverse softplus: the engine stores η = softplus(raw)
        }
        DistilledData data = new DistilledData(
                Nd4j.createFromArray(images).reshape(n, spec.channels(), spec.height(), spec.width()),
                Nd4j.createFromArray(labels).reshape(n, spec.numClasses()),
                Nd4j.createFromArray(raw), steps, perStep);
        JsonNode st = j.get("standardisation");
        return new CompressedModel(spec, j.get("init_seed").asLong(), "fixed".equals(j.get("init").asText()),
                new Standardisation(st.get("mean").asDouble(), st.get("std").asDouble()), data);
    }

    /** Number of distilled images. */
    public int size() {
        return (int) data.images().size(0);
    }

    /** Pixels of distilled image {@code i} (first channel) mapped back to [0, 1] pixel scale, not clipped. */
    public double[] unitImage(int i) {
        int hw = spec.height() * spec.width();
        double[] out = new double[hw];
        INDArray img = data.images();
        for (int p = 0; p < hw; p++) {
            out[p] = standardisation.toUnit(img.getDouble(i, 0, p / spec.width(), p % spec.width()));
        }
        return out;
    }

    public double[] softLabel(int i) {
        return data.labels().getRow(i).toDoubleVector();
    }

    /** A network of this spec evaluated in float32, the precision the distill run reports its metrics in. */
    public Network evaluationNetwork() {
        return ModelSpec.create(spec, DataType.FLOAT);
    }

    /**
     * θ_T: the learned steps replayed in float64 from θ0 (the seed's Xavier init; in random-init mode the first
     * evaluation init, as the distill run's evaluation does), returned in float32.
     */
    public INDArray rebuild() {
        Network inner = ModelSpec.create(spec, DataType.DOUBLE);
        long initSeed = fixedInit ? seed : Distiller.evalInitSeed(seed, 0);
        INDArray theta0 = Distiller.fixedInit(inner, initSeed);
        Hypergradient h = new Hypergradient(inner, inner, Hypergradient.DEFAULT_STEP);
        return h.unroll(theta0, data).castTo(DataType.FLOAT).dup();
    }

    /** Accuracy and other measures of θ on {@code set} (which must be standardised like the training data). */
    public Metrics evaluate(INDArray theta, ImageSet set) {
        return Metrics.evaluate(evaluationNetwork(), theta, set);
    }

    /** Re-standardises a set standardised with {@code from} to this model's training standardisation. */
    public ImageSet restandardise(ImageSet set, Standardisation from) {
        float[] px = set.pixels().clone();
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) ((from.toUnit(px[i]) - standardisation.mean()) / standardisation.std());
        }
        return new ImageSet(px, set.labels(), set.channels(), set.height(), set.width(), set.numClasses());
    }

    /** A float32 or float64 array the distillation engine wrote, as doubles. */
    private static double[] floats(Path file) {
        NpyArray a;
        try {
            a = Npy.read(file);
        } catch (IOException | RuntimeException e) {
            throw new ShareException(file + ": unreadable .npy (" + e.getMessage() + ")", e);
        }
        if (!a.dtype().equals("<f4") && !a.dtype().equals("<f8")) {
            throw new ShareException(file + ": expected float32 or float64, got " + a.dtype());
        }
        return a.toDoubles();
    }
}
