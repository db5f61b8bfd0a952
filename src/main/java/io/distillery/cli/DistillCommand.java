package io.distillery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distillery.distill.Backend;
import io.distillery.distill.DistillConfig;
import io.distillery.distill.DistillException;
import io.distillery.distill.DistilledData;
import io.distillery.distill.Distiller;
import io.distillery.distill.Evaluation;
import io.distillery.distill.Metrics;
import io.distillery.distill.ModelSpec;
import io.distillery.distill.PrivateOuterGradient;
import io.distillery.distill.ProgressListener;
import io.distillery.distill.privacy.RdpAccountant;
import io.distillery.distill.data.NpzDataset;
import io.distillery.distill.data.Outputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill}: soft-label dataset distillation of an npz dataset, evaluated against baselines. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil an npz image dataset (MedMNIST layout) into a few soft-label images; "
                + "writes images, labels, learning rates, model spec and metrics.json to --out. "
                + "ND4J's thread count follows OMP_NUM_THREADS.")
public final class DistillCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, description = "npz file (train_images, train_labels, test_*, val_* optional)")
    Path data;
    @Option(names = "--out", required = true, description = "output directory (created)")
    Path out;
    @Option(names = "--images-per-step", defaultValue = "2") int imagesPerStep;
    @Option(names = "--steps", defaultValue = "1") int steps;
    @Option(names = "--epochs", defaultValue = "3") int epochs;
    @Option(names = "--iterations", defaultValue = "1000") int iterations;
    @Option(names = "--batch", defaultValue = "256", description = "real images per outer iteration") int batch;
    @Option(names = "--distill-lr", defaultValue = "0.02", description = "initial inner learning rate") double distillLr;
    @Option(names = "--init", defaultValue = "fixed", description = "fixed|random") String init;
    @Option(names = "--labels", defaultValue = "soft", description = "soft|hard") String labels;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--model", defaultValue = "lenet",
            description = "lenet (28 or 32 px), convnet (made for 64 px; 8 px or more), alexnet (made for 224 px; 63 px or more)")
    String model;
    @Option(names = "--net-width", defaultValue = "0",
            description = "convnet channels (default 128) or alexnet channel scale (default 64, torchvision's); 0: the default")
    int netWidth;
    @Option(names = "--outer-lr", defaultValue = "0.01", description = "Adam lr, betas (0.5, 0.999)") double outerLr;
    @Option(names = "--decay-every", defaultValue = "0", description = "step decay period in iterations (0: none)") int decayEvery;
    @Option(names = "--decay-factor", defaultValue = "0.5") double decayFactor;
    @Option(names = "--balanced-batch", description = "draw every real batch with equal numbers of each class"
            + " (for imbalanced cohorts; not with the DP options)") boolean balancedBatch;
    @Option(names = "--nets-per-iteration", defaultValue = "1", description = "random init: fresh networks per outer"
            + " iteration, on the same real batch, hypergradient averaged (not with the DP options)") int netsPerIteration;
    @Option(names = "--select-every", defaultValue = "0", description = "every N iterations, score the distilled"
            + " data on the validation split (mean per-class recall) and keep the best state as the result; needs"
            + " val_images (0: keep the last state; not with the DP options)") int selectEvery;
    @Option(names = "--eval-inits", defaultValue = "5", description = "unseen inits evaluated in random-init mode") int evalInits;
    @Option(names = "--full-epochs", defaultValue = "5", description = "epochs of the full-data baseline") int fullEpochs;
    @Option(names = "--precision", defaultValue = "float", description = "float|double for the real-batch pass") String precision;
    @Option(names = "--checkpoint-every", defaultValue = "0", description = "write DIR/checkpoint.bin every N iterations") int checkpointEvery;
    @Option(names = "--resume", description = "continue from DIR/checkpoint.bin") boolean resume;
    @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;
    @Option(names = "--dp-epsilon", description = "differentially private mode with this target ε: the noise"
            + " multiplier is chosen for the run's iterations and sampling rate") Double dpEpsilon;
    @Option(names = "--dp-noise-multiplier", description = "differentially private mode with this noise multiplier σ"
            + " (ε is then computed)") Double dpNoiseMultiplier;
    @Option(names = "--dp-delta", description = "δ of the privacy guarantee (default 1e-5)") Double dpDelta;
    @Option(names = "--dp-clip", description = "per-image L2 clip norm C of the real-data gradients (default 1.0)")
    Double dpClip;
    @Option(names = "--dp-secret-seed", description = "seed of the DP sampling and noise, for reproducing a run"
            + " in-house; never written anywhere (default: fresh from SecureRandom)") Long dpSecretSeed;

    /** Also hears every outer iteration (the gateway turns it into its distillation-progress metric). */
    private final ProgressListener observer;

    public DistillCommand() {
        this(ProgressListener.NONE);
    }

    public DistillCommand(ProgressListener observer) {
        this.observer = observer;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        DistillConfig cfg = new DistillConfig(model, imagesPerStep, steps, epochs, iterations, batch, distillLr,
                parseInit(init), parseLabels(labels), seed, outerLr, decayEvery, decayFactor,
                switch (precision) {
                    case "float" -> DataType.FLOAT;
                    case "double" -> DataType.DOUBLE;
                    default -> throw new DistillException("--precision must be float or double, got " + precision);
                }, evalInits, balancedBatch, netsPerIteration, selectEvery);
        Privacy privacy = Privacy.of(this);
        NpzDataset ds = NpzDataset.read(data, privacy.on() ? PrivateOuterGradient.DATA_INDEPENDENT_SCALING : null);
        Backend.require();
        ModelSpec modelSpec = new ModelSpec(model, ds.train().channels(), ds.train().height(), ds.train().width(),
                ds.train().numClasses(), netWidth);
        Files.createDirectories(out);
        PrivateOuterGradient dp = privacy.mechanism(cfg, ds.train().size());
        Distiller distiller = new Distiller(cfg, modelSpec, dp);
        if (dp != null) {
            outWriter.printf(Locale.ROOT, "differentially private mode: noise multiplier %.4f, clip %.4g, sampling rate"
                    + " %.5f, %d iterations, delta %.3g%n", dp.noiseMultiplier(), dp.clip(),
                    PrivateOuterGradient.samplingRate(batch, ds.train().size()), iterations, privacy.delta());
        }
        Path checkpoint = out.resolve("checkpoint.bin");
        if (resume) {
            distiller.resume(checkpoint);
            outWriter.printf("resumed at iteration %d%n", distiller.iterationsDone());
        }
        int startIt = distiller.iterationsDone();
        long t0 = System.nanoTime();
        ConsoleProgress console = new ConsoleProgress(outWriter, System.console() != null);
        distiller.run(ds.train(), ds.val(), new ProgressListener() {
            @Override
            public void onIteration(Progress p) {
                console.onIteration(p);
                observer.onIteration(p);
            }

            @Override
            public void onSelection(int iteration, double valScore, boolean best) {
                console.onSelection(iteration, valScore, best);
            }
        }, checkpointEvery, checkpointEvery > 0 ? checkpoint : null);
        int ran = distiller.iterationsDone() - startIt;
        double secPerIter = ran == 0 ? Double.NaN : (System.nanoTime() - t0) / 1e9 / ran;

        outWriter.println("evaluating ...");
        outWriter.flush();
        Evaluation.Report report = Evaluation.run(distiller, cfg, ds.train(), ds.val(), ds.test(), fullEpochs);

        DistilledData result = distiller.selected();
        Outputs.writeNpy(out.resolve("distilled_images.npy"), result.images());
        Outputs.writePngGrid(out.resolve("distilled_images.png"), result.images(), imagesPerStep,
                ds.standardisation());
        Outputs.writeNpy(out.resolve("soft_labels.npy"), result.labels());
        Outputs.writeNpy(out.resolve("learning_rates.npy"), Nd4j.createFromArray(result.learningRates()));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> specJson = new LinkedHashMap<>();
        specJson.put("model", model);
        if (modelSpec.netWidth() > 0) {
            specJson.put("net_width", modelSpec.netWidth());
        }
        specJson.put("input", new int[] {modelSpec.channels(), modelSpec.height(), modelSpec.width()});
        specJson.put("classes", modelSpec.numClasses());
        specJson.put("param_count", distiller.innerNetwork().numParams());
        specJson.put("init", init);
        specJson.put("init_seed", seed);
        specJson.put("init_scheme", "xavier-normal weights (java.util.Random(seed), layer order), zero biases");
        specJson.put("steps", steps);
        specJson.put("epochs", epochs);
        specJson.put("images_per_step", imagesPerStep);
        specJson.put("labels", labels);
        specJson.put("standardisation", Map.of("mean", ds.standardisation().mean(), "std", ds.standardisation().std()));
        json.writeValue(out.resolve("model_spec.json").toFile(), specJson);
        Path modelFile = out.resolve("model.f32");
        Outputs.writeRawFloats(modelFile, report.trained());

        long modelBytes = Files.size(modelFile);
        long packageBytes = 0;
        for (String f : new String[] {"distilled_images.npy", "soft_labels.npy", "learning_rates.npy", "model_spec.json"}) {
            packageBytes += Files.size(out.resolve(f));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Metrics d = report.distilled().mean();
        m.put("acc_distilled", d.accuracy());
        m.put("acc_distilled_sd", report.distilled().sd().accuracy());
        m.put("eval_inits", report.distilled().runs());
        // One entry per evaluated init (one in fixed mode), in evaluation order: the spread behind the sd.
        m.put("acc_distilled_per_init", report.distilled().each().stream().mapToDouble(Metrics::accuracy).toArray());
        m.put("sensitivity_per_init", report.distilled().each().stream().mapToDouble(Metrics::sensitivity).toArray());
        m.put("specificity_per_init", report.distilled().each().stream().mapToDouble(Metrics::specificity).toArray());
        m.put("sensitivity", d.sensitivity());
        m.put("specificity", d.specificity());
        m.put("harmonic_mean", d.harmonicMean());
        m.put("auc", Double.isNaN(d.auc()) ? null : d.auc());
        m.put("acc_random_real", report.randomReal().mean().accuracy());
        m.put("acc_random_real_sd", report.randomReal().sd().accuracy());
        m.put("random_real_lr", report.randomRealLr());
        m.put("harmonic_mean_random_real", report.randomReal().mean().harmonicMean());
        m.put("acc_full", report.full().accuracy());
        m.put("harmonic_mean_full", report.full().harmonicMean());
        m.put("auc_full", Double.isNaN(report.full().auc()) ? null : report.full().auc());
        m.put("full_epochs", fullEpochs);
        m.put("final_outer_loss", Double.isNaN(distiller.lastLoss()) ? null : distiller.lastLoss());
        m.put("iterations", distiller.iterationsDone());
        m.put("balanced_batch", balancedBatch);
        m.put("nets_per_iteration", netsPerIteration);
        m.put("select_every", selectEvery);
        if (selectEvery > 0) {
            // The result is the best validation check; the last state's test numbers show what selection changed.
            m.put("selected_iteration", distiller.selectedIteration());
            m.put("val_balanced_accuracy_selected", distiller.selectedScore());
            Metrics.Summary last = report.last();
            m.put("acc_distilled_last", last == null ? d.accuracy() : last.mean().accuracy());
            m.put("harmonic_mean_last", last == null ? d.harmonicMean() : last.mean().harmonicMean());
        }
        // JSON has no NaN: a resumed run that ran no further iteration has no time per iteration.
        m.put("sec_per_iter", ran == 0 ? null : secPerIter);
        m.put("omp_num_threads", System.getenv("OMP_NUM_THREADS"));
        m.put("model_bytes", modelBytes);
        m.put("model_format", "raw little-endian float32 parameters (model.f32)");
        m.put("package_bytes", packageBytes);
        m.put("package_files", "distilled_images.npy + soft_labels.npy + learning_rates.npy + model_spec.json (seed, spec)");
        m.put("compression_ratio", (double) packageBytes / modelBytes);
        m.put("learning_rates", result.learningRates());
        m.put("privacy", privacy.record(dp, batch, ds.train().size(), distiller.iterationsDone()));
        json.writeValue(out.resolve("metrics.json").toFile(), m);
        outWriter.printf(Locale.ROOT, "distilled acc %.4f (sd %.4f), random real %.4f, full %.4f, %s, "
                        + "package %d B / model %d B = %.4f%n", d.accuracy(), report.distilled().sd().accuracy(),
                report.randomReal().mean().accuracy(), report.full().accuracy(),
                ran == 0 ? "no new iterations" : String.format(Locale.ROOT, "%.4f s/iter", secPerIter), packageBytes, modelBytes,
                (double) packageBytes / modelBytes);
        err.flush();
        return 0;
    }

    private static DistillConfig.Init parseInit(String s) {
        return switch (s) {
            case "fixed" -> DistillConfig.Init.FIXED;
            case "random" -> DistillConfig.Init.RANDOM;
            default -> throw new DistillException("--init must be fixed or random, got " + s);
        };
    }

    private static boolean parseLabels(String s) {
        return switch (s) {
            case "soft" -> true;
            case "hard" -> false;
            default -> throw new DistillException("--labels must be soft or hard, got " + s);
        };
    }

    /** A bar redrawn in place on a terminal; otherwise about 20 log lines per run. */
    static final class ConsoleProgress implements ProgressListener {
        private final PrintWriter out;
        private final boolean terminal;

        ConsoleProgress(PrintWriter out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void onIteration(Progress p) {
            String line = String.format(Locale.ROOT, "iter %d/%d loss %.4f %.3f s/iter ETA %s", p.iteration(),
                    p.total(), p.outerLoss(), p.secPerIter(), eta(p.etaSeconds()));
            if (terminal) {
                int width = 30;
                int filled = (int) ((long) width * p.iteration() / Math.max(1, p.total()));
                out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + line);
                if (p.iteration() == p.total()) {
                    out.println();
                }
                out.flush();
            } else if (p.iteration() == p.total() || p.iteration() % Math.max(1, p.total() / 20) == 0) {
                out.println(line);
                out.flush();
            }
        }

        @Override
        public void onSelection(int iteration, double valScore, boolean best) {
            if (best) {
                if (terminal) {
                    out.println();
                }
                out.printf(Locale.ROOT, "iter %d: validation balanced accuracy %.4f, best so far%n", iteration, valScore);
                out.flush();
            }
        }

        private static String eta(double s) {
            long sec = Math.round(s);
            return String.format(Locale.ROOT, "%d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60);
        }
    }
    /** The privacy options, checked together; {@link #on()} is false in the non-private mode. */
    record Privacy(Double epsilon, Double noiseMultiplier, double delta, double clip, Long secretSeed) {
        /** What metrics.json lists as computed from real training data without differential privacy. */
        static final java.util.List<String> NON_PRIVATE_METRICS = java.util.List.of("acc_random_real",
                "acc_random_real_sd", "random_real_lr", "harmonic_mean_random_real", "acc_full", "harmonic_mean_full",
                "auc_full", "full_epochs", "final_outer_loss");

        static Privacy of(DistillCommand c) {
            boolean on = c.dpEpsilon != null || c.dpNoiseMultiplier != null;
            if (c.dpEpsilon != null && c.dpNoiseMultiplier != null) {
                throw new DistillException("give either --dp-epsilon or --dp-noise-multiplier, not both");
            }
            if (!on && (c.dpDelta != null || c.dpClip != null || c.dpSecretSeed != null)) {
                throw new DistillException("--dp-delta, --dp-clip and --dp-secret-seed need --dp-epsilon or"
                        + " --dp-noise-multiplier");
            }
            if (on && c.balancedBatch) {
                // The privacy accounting assumes Poisson sampling of the whole training split.
                throw new DistillException("--balanced-batch cannot be combined with the DP options");
            }
            if (on && c.selectEvery > 0) {
                // Choosing a state by its score on real validation images is a data-dependent release the
                // privacy accounting does not cover.
                throw new DistillException("--select-every cannot be combined with the DP options");
            }
            if (on && c.netsPerIteration > 1) {
                // The DP outer gradient clips and noises one hypergradient per iteration.
                throw new DistillException("--nets-per-iteration cannot be combined with the DP options");
            }
            double delta = c.dpDelta == null ? 1e-5 : c.dpDelta;
            if (on && !(delta > 0 && delta < 1)) {
                throw new DistillException("--dp-delta must be in (0, 1), got " + delta);
            }
            if (c.dpEpsilon != null && !(c.dpEpsilon > 0)) {
                throw new DistillException("--dp-epsilon must be positive, got " + c.dpEpsilon);
            }
            if (c.dpNoiseMultiplier != null && !(c.dpNoiseMultiplier > 0)) {
                throw new DistillException("--dp-noise-multiplier must be positive, got " + c.dpNoiseMultiplier);
            }
            if (c.dpClip != null && !(c.dpClip > 0 && Double.isFinite(c.dpClip))) {
                throw new DistillException("--dp-clip must be positive, got " + c.dpClip);
            }
            return new Privacy(c.dpEpsilon, c.dpNoiseMultiplier, delta, c.dpClip == null ? 1.0 : c.dpClip,
                    c.dpSecretSeed);
        }

        boolean on() {
            return epsilon != null || noiseMultiplier != null;
        }

        PrivateOuterGradient mechanism(DistillConfig cfg, int trainSize) {
            if (!on()) {
                return null;
            }
            double q = PrivateOuterGradient.samplingRate(cfg.batch(), trainSize);
            double sigma = noiseMultiplier != null ? noiseMultiplier
                    : RdpAccountant.noiseMultiplier(epsilon, delta, q, cfg.iterations());
            long seed = secretSeed != null ? secretSeed : new java.security.SecureRandom().nextLong();
            return new PrivateOuterGradient(clip, sigma, seed);
        }

        Map<String, Object> record(PrivateOuterGradient dp, int batch, int trainSize, int steps) {
            Map<String, Object> p = new LinkedHashMap<>();
            if (dp == null) {
                p.put("mode", "non-private");
                p.put("guarantee", "none: dataset distillation alone is no formal privacy guarantee");
                return p;
            }
            double q = PrivateOuterGradient.samplingRate(batch, trainSize);
            RdpAccountant.Epsilon e = dp.epsilon(q, steps, delta);
            p.put("mode", "differentially-private");
            p.put("epsilon", e.epsilon());
            p.put("delta", delta);
            p.put("target_epsilon", epsilon);
            p.put("noise_multiplier", dp.noiseMultiplier());
            p.put("clip", dp.clip());
            p.put("sampling_rate", q);
            p.put("steps", steps);
            p.put("rdp_order", e.order());
            p.put("mechanism", "DP-SGD on the outer loop's real-data gradient: Poisson sampling, per-image L2"
                    + " clipping, Gaussian noise sigma*clip on the sum, divided by the expected batch size");
            p.put("accountant", "Renyi DP of the sampled Gaussian mechanism (Mironov, Talwar, Zhang 2019),"
                    + " converted with Balle et al. 2020 Theorem 21");
            p.put("neighbouring", "add or remove one training image");
            p.put("scaling", "data-independent: (pixel - 0.5) / 0.25");
            p.put("non_private_metrics", NON_PRIVATE_METRICS);
            return p;
        }
    }
}
