package io.distillery.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ConvNet distill run (width 4, on a PneumoniaMNIST subset) packaged and verified: the verifier rebuilds the
 * model from model_spec.json (with its net_width) and gets the distill run's weights and accuracy back.
 */
class ConvNetPackageTest {

    @Test
    void convnetRunPackagesAndRebuilds(@TempDir Path tmp) throws IOException {
        Map<String, NpyArray> src = Npy.readNpz(SharedData.data("medmnist/pneumoniamnist.npz"));
        Map<String, NpyArray> sub = new LinkedHashMap<>();
        for (String split : new String[] {"train", "test"}) {
            int n = split.equals("train") ? 200 : 100;
            sub.put(split + "_images", head(src.get(split + "_images"), n));
            sub.put(split + "_labels", head(src.get(split + "_labels"), n));
        }
        Path cohort = tmp.resolve("cohort.npz");
        Npy.writeNpz(cohort, sub);
        Path distilled = tmp.resolve("distilled");
        int rc = DistilleryCommand.execute("distill", "--data", cohort.toString(), "--out", distilled.toString(),
                "--model", "convnet", "--net-width", "4", "--iterations", "2", "--batch", "16",
                "--images-per-step", "2", "--full-epochs", "0", "--seed", "3");
        assertEquals(0, rc, "distill --model convnet");
        JsonNode spec = new ObjectMapper().readTree(distilled.resolve("model_spec.json").toFile());
        assertEquals("convnet", spec.get("model").asText());
        assertEquals(4, spec.get("net_width").asInt());

        SharePackage p = PackageBuilder.build(distilled, cohort, tmp.resolve("pkg"),
                SigningKeys.loadOrCreate(tmp.resolve("keys").resolve("signing.key")), null);
        PackageVerifier.Result r = PackageVerifier.verify(p.dir(), null, cohort);
        assertTrue(r.ok(), () -> String.join("\n", r.failures()));
        JsonNode metrics = new ObjectMapper().readTree(distilled.resolve("metrics.json").toFile());
        assertEquals(metrics.get("acc_distilled").asDouble(), r.test().accuracy(), 0.0);
        JsonNode m = new ObjectMapper().readTree(p.dir().resolve("manifest.json").toFile());
        assertTrue(m.get("files").has("model/trained_weights.f32"));
        assertFalse(m.get("files").has("model/trained_weights.dl4j.zip"), "no DL4J twin for the ConvNet");
    }

    private static NpyArray head(NpyArray a, int n) {
        int[] shape = a.shape().clone();
        int per = (int) (a.size() / shape[0]) * NpyArray.itemSize(a.dtype());
        shape[0] = n;
        return new NpyArray(a.dtype(), shape, Arrays.copyOf(a.data(), n * per));
    }
}
