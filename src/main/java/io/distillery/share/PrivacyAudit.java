package io.distillery.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.distill.Network;
import io.distillery.distill.data.ImageSet;
import io.distillery.distill.data.NpzDataset;
import io.distillery.distill.data.Standardisation;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The privacy audit run on a package before review: (a) identifying strings of the source cohort anywhere in
 * the package's bytes, (b) each synthetic image's nearest real training image by SSIM and NCC beside the same
 * statistic for held-out real images (the yardstick), (c) a loss-threshold membership-inference attack on the
 * model rebuilt from the package. It produces evidence and a verdict for a reviewer; it is not a privacy
 * guarantee.
 */
public final class PrivacyAudit {

    public enum Verdict { PASS, REVIEW, FAIL }

    /**
     * @param ssimFail   a synthetic image this SSIM-close to a training image is treated as a copy (FAIL)
     * @param nccFail    the same for normalised cross-correlation
     * @param miaReview  membership-inference AUC at or above which the package needs a closer look (REVIEW)
     * @param heldOut    held-out real images used as the yardstick (sampled from val + test)
     * @param attackSize members and non-members each used by the membership attack (sampled)
     */
    public record Config(double ssimFail, double nccFail, double miaReview, int heldOut, int attackSize, long seed) {
        public static Config defaults() {
            return new Config(0.95, 0.98, 0.60, 200, 1000, 0);
        }
    }

    public record Leak(String file, String value, String encoding) {
    }

    /** One image's nearest training image by each statistic. */
    public record Neighbour(int index, double ssim, int ssimTrainIndex, double ncc, int nccTrainIndex) {
    }

    public record Yardstick(int images, double ssimMedian, double ssimP95, double ssimMax, double nccMedian,
                            double nccP95, double nccMax) {
    }

    public record Membership(int members, int nonMembers, double auc, double memberMeanLoss,
                             double nonMemberMeanLoss) {
    }

    public record Result(String packageId, String manifestSha256, Verdict verdict, List<String> reasons,
                         int identifiersChecked, List<Leak> leaks, List<Neighbour> neighbours, Yardstick yardstick,
                         Membership membership, Config config) {
    }

    /** Everything the report needs besides the result: images and label counts. */
    record Evidence(CompressedModel model, double[][] synthetic, double[][] train, int[] trainLabels,
                    JsonNode manifest) {
    }

    private PrivacyAudit() {
    }

    /**
     * Audits {@code pkg} against the cohort it was distilled from ({@code train} split: members; {@code val} and
     * {@code test}: held out) and writes {@code audit.json} and {@code report.html} into {@code outDir} — which
     * must not be inside the package: the report shows real training images, which never leave.
     */
    public static Result run(Path pkg, Path cohortNpz, Collection<String> identifiers, Config cfg, Path outDir)
            throws IOException {
        if (outDir.toAbsolutePath().normalize().startsWith(pkg.toAbsolutePath().normalize())) {
            throw new ShareException(outDir + ": the audit must be written outside the package (it shows real images)");
        }
        JsonNode manifest = PackageBuilder.JSON.readTree(pkg.resolve(SharePackage.MANIFEST).toFile());
        byte[] manifestBytes = Files.readAllBytes(pkg.resolve(SharePackage.MANIFEST));
        CompressedModel model = CompressedModel.read(pkg.resolve("model"));
        NpzDataset cohort = NpzDataset.read(cohortNpz);
        List<String> reasons = new ArrayList<>();
        Verdict verdict = Verdict.PASS;

        Set<String> ids = usable(identifiers);
        List<Leak> leaks = scan(pkg, ids);
        if (!leaks.isEmpty()) {
            verdict = Verdict.FAIL;
            reasons.add(leaks.size() + " identifying value(s) of the source cohort found in the package, e.g. '"
                    + leaks.get(0).value() + "' in " + leaks.get(0).file());
        }

        Standardisation st = cohort.standardisation();
        double[][] train = unitImages(cohort.train(), st);
        double[][] synthetic = new double[model.size()][];
        for (int i = 0; i < synthetic.length; i++) {
            synthetic[i] = model.unitImage(i);
            for (int p = 0; p < synthetic[i].length; p++) {
                synthetic[i][p] = ScImages.clip(synthetic[i][p]);
            }
        }
        int h = model.spec().height();
        int w = model.spec().width();
        Similarity.Prepared[] trainPrep = prepare(train, h, w);
        List<Neighbour> neighbours = new ArrayList<>();
        for (int i = 0; i < synthetic.length; i++) {
            neighbours.add(nearest(i, new Similarity.Prepared(synthetic[i], h, w), trainPrep));
        }
        double[][] heldOutImages = sample(heldOut(cohort, st), cfg.heldOut(), new SplittableRandom(cfg.seed()));
        double[] hs = new double[heldOutImages.length];
        double[] hn = new double[heldOutImages.length];
        for (int i = 0; i < heldOutImages.length; i++) {
            Neighbour n = nearest(i, new Similarity.Prepared(heldOutImages[i], h, w), trainPrep);
            hs[i] = n.ssim();
            hn[i] = n.ncc();
        }
        Yardstick yard = new Yardstick(hs.length, quantile(hs, 0.5), quantile(hs, 0.95), quantile(hs, 1),
                quantile(hn, 0.5), quantile(hn, 0.95), quantile(hn, 1));
        for (Neighbour n : neighbours) {
            String name = ScImages.fileName(n.index(), "dcm");
            if (n.ssim() >= cfg.ssimFail() || n.ncc() >= cfg.nccFail()) {
                verdict = Verdict.FAIL;
                reasons.add(String.format(Locale.ROOT, "%s is a near copy of training image #%d (SSIM %.3f, NCC %.3f;"
                                + " thresholds %.2f / %.2f)", name, n.ssim() >= cfg.ssimFail() ? n.ssimTrainIndex()
                                : n.nccTrainIndex(), n.ssim(), n.ncc(), cfg.ssimFail(), cfg.nccFail()));
            } else if (yard.images() > 0 && (n.ssim() > yard.ssimP95() || n.ncc() > yard.nccP95())) {
                // the held-out maximum is no yardstick: public sets hold duplicates across splits (SSIM 1)
                verdict = worst(verdict, Verdict.REVIEW);
                reasons.add(String.format(Locale.ROOT, "%s is closer to a training image (SSIM %.3f, NCC %.3f) than 95%%"
                        + " of held-out real images are (%.3f, %.3f)", name, n.ssim(), n.ncc(), yard.ssimP95(),
                        yard.nccP95()));
            }
        }

        Membership mia = membership(model, cohort, cfg);
        if (mia.auc() >= cfg.miaReview()) {
            verdict = worst(verdict, Verdict.REVIEW);
            reasons.add(String.format(Locale.ROOT, "membership inference AUC %.3f is at or above %.2f: the model"
                    + " tells training patients from others better than chance", mia.auc(), cfg.miaReview()));
        }
        if (reasons.isEmpty()) {
            reasons.add("no identifying value found, no synthetic image closer to a training image than the"
                    + " thresholds or the held-out yardstick, membership inference near chance");
        }
        Result result = new Result(manifest.path("package_id").asText(), Hashes.sha256(manifestBytes), verdict,
                reasons, ids.size(), leaks, neighbours, yard, mia, cfg);
        Files.createDirectories(outDir);
        PackageBuilder.JSON.writeValue(outDir.resolve("audit.json").toFile(), result);
        Files.writeString(outDir.resolve("report.html"), AuditReport.html(result,
                new Evidence(model, synthetic, train, cohort.train().labels(), manifest)), StandardCharsets.UTF_8);
        return result;
    }

    /**
     * Identifiers worth scanning for: trimmed, at least 4 characters, and digit-only values at least 8 digits
     * (dates of birth, long IDs). Shorter values and short numbers such as a Study ID "00069" occur by chance in
     * fresh UIDs, metrics and binary data, and would bury real findings in false alarms.
     */
    static Set<String> usable(Collection<String> identifiers) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : identifiers) {
            String t = s == null ? "" : s.trim();
            if (t.length() >= 4 && (t.length() >= 8 || !t.chars().allMatch(Character::isDigit))) {
                out.add(t);
            }
        }
        return out;
    }

    /** Raw byte search of every file for each value as UTF-8 and Latin-1, ASCII letters compared case-blind. */
    static List<Leak> scan(Path pkg, Set<String> ids) throws IOException {
        List<Leak> leaks = new ArrayList<>();
        Map<String, Path> files = PackageBuilder.listFiles(pkg);
        Charset latin1 = StandardCharsets.ISO_8859_1;
        for (Map.Entry<String, Path> f : files.entrySet()) {
            byte[] data = lowerAscii(Files.readAllBytes(f.getValue()));
            for (String id : ids) {
                byte[] utf8 = lowerAscii(id.getBytes(StandardCharsets.UTF_8));
                if (indexOf(data, utf8) >= 0) {
                    leaks.add(new Leak(f.getKey(), id, "UTF-8"));
                    continue;
                }
                if (latin1.newEncoder().canEncode(id)) {
                    byte[] l1 = lowerAscii(id.getBytes(latin1));
                    if (!Arrays.equals(l1, utf8) && indexOf(data, l1) >= 0) {
                        leaks.add(new Leak(f.getKey(), id, "Latin-1"));
                    }
                }
            }
        }
        return leaks;
    }

    private static byte[] lowerAscii(byte[] b) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'A' && out[i] <= 'Z') {
                out[i] += 'a' - 'A';
            }
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static double[][] unitImages(ImageSet set, Standardisation st) {
        int d = set.imageSize();
        int hw = set.height() * set.width();
        double[][] out = new double[set.size()][hw];
        for (int i = 0; i < set.size(); i++) {
            for (int p = 0; p < hw; p++) {
                out[i][p] = st.toUnit(set.pixels()[i * d + p]);
            }
        }
        return out;
    }

    private static double[][] heldOut(NpzDataset cohort, Standardisation st) {
        List<double[]> all = new ArrayList<>(Arrays.asList(unitImages(cohort.test(), st)));
        if (cohort.val() != null) {
            all.addAll(Arrays.asList(unitImages(cohort.val(), st)));
        }
        return all.toArray(double[][]::new);
    }

    private static double[][] sample(double[][] all, int k, SplittableRandom rng) {
        if (all.length <= k) {
            return all;
        }
        double[][] a = all.clone();
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(a.length - i);
            double[] t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, k);
    }

    private static Similarity.Prepared[] prepare(double[][] images, int h, int w) {
        Similarity.Prepared[] p = new Similarity.Prepared[images.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = new Similarity.Prepared(images[i], h, w);
        }
        return p;
    }

    private static Neighbour nearest(int index, Similarity.Prepared img, Similarity.Prepared[] train) {
        double bestS = Double.NEGATIVE_INFINITY;
        double bestN = Double.NEGATIVE_INFINITY;
        int argS = -1;
        int argN = -1;
        for (int t = 0; t < train.length; t++) {
            double s = Similarity.ssim(img, train[t]);
            double n = Similarity.ncc(img, train[t]);
            if (s > bestS) {
                bestS = s;
                argS = t;
            }
            if (n > bestN) {
                bestN = n;
                argN = t;
            }
        }
        return new Neighbour(index, bestS, argS, bestN, argN);
    }

    /** Quantile by nearest rank (q = 1: the maximum); NaN for no values. */
    static double quantile(double[] v, double q) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(q * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, rank))];
    }

    /**
     * Loss-threshold attack (Yeom et al. 2018): a sample is called a member when the rebuilt model's
     * cross-entropy on it is low. AUC over all thresholds = P(loss of a random member < loss of a random
     * non-member), ties counted half; 0.5 is chance.
     */
    static Membership membership(CompressedModel model, NpzDataset cohort, Config cfg) {
        INDArray theta = model.rebuild();
        Network net = model.evaluationNetwork();
        ImageSet train = model.restandardise(cohort.train(), cohort.standardisation());
        ImageSet test = model.restandardise(cohort.test(), cohort.standardisation());
        SplittableRandom rng = new SplittableRandom(cfg.seed() ^ 0x4D494131L);
        double[] member = losses(net, theta, train, pick(rng, train.size(), cfg.attackSize()));
        double[] non = new double[0];
        non = concat(non, losses(net, theta, test, pick(rng, test.size(), cfg.attackSize())));
        if (cohort.val() != null && non.length < cfg.attackSize()) {
            ImageSet val = model.restandardise(cohort.val(), cohort.standardisation());
            non = concat(non, losses(net, theta, val, pick(rng, val.size(), cfg.attackSize() - non.length)));
        }
        double wins = 0;
        double[] sortedNon = non.clone();
        Arrays.sort(sortedNon);
        for (double m : member) {
            // non-members with a higher loss than this member, plus half the ties
            int lo = lowerBound(sortedNon, m);
            int hi = upperBound(sortedNon, m);
            wins += (sortedNon.length - hi) + 0.5 * (hi - lo);
        }
        double auc = wins / ((double) member.length * non.length);
        return new Membership(member.length, non.length, auc, mean(member), mean(non));
    }

    private static int[] pick(SplittableRandom rng, int n, int k) {
        int[] all = ImageSet.range(0, n);
        k = Math.min(k, n);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    private static double[] losses(Network net, INDArray theta, ImageSet set, int[] idx) {
        double[] out = new double[idx.length];
        int batch = 500;
        for (int from = 0; from < idx.length; from += batch) {
            int[] part = Arrays.copyOfRange(idx, from, Math.min(idx.length, from + batch));
            double[][] z = net.forward(theta, set.images(part, net.dataType())).castTo(DataType.DOUBLE)
                    .toDoubleMatrix();
            int[] y = set.labels(part);
            for (int i = 0; i < part.length; i++) {
                double max = Arrays.stream(z[i]).max().orElse(0);
                double sum = 0;
                for (double v : z[i]) {
                    sum += Math.exp(v - max);
                }
                out[from + i] = Math.log(sum) + max - z[i][y[i]];
            }
        }
        return out;
    }

    private static int lowerBound(double[] a, double v) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int upperBound(double[] a, double v) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static Verdict worst(Verdict a, Verdict b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
