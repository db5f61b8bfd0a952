package io.distillery.distill;

import io.distillery.distill.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test-set measures. Binary tasks: class 1 is positive; sensitivity = TP/(TP+FN), specificity = TN/(TN+FP),
 * AUC from the class-1 probability (Mann–Whitney, ties counted half). More classes: macro-averaged
 * one-vs-rest sensitivity and specificity, AUC NaN. Harmonic mean of sensitivity and specificity is the seed
 * paper's measure.
 */
public record Metrics(double accuracy, double sensitivity, double specificity, double harmonicMean, double auc) {

    /**
     * Mean per-class recall ("balanced accuracy"): (sensitivity + specificity) / 2 for binary tasks, the
     * macro-averaged sensitivity otherwise. Unlike accuracy it does not reward following the class mix, which
     * differs between a cohort's splits (PneumoniaMNIST: 74% positive in train and validation, 62.5% in test).
     */
    public double balancedAccuracy(int classes) {
        return classes == 2 ? (sensitivity + specificity) / 2 : sensitivity;
    }

    /** Evaluates θ (in the network's type) on a set in batches. */
    public static Metrics evaluate(Network net, INDArray theta, ImageSet set) {
        int k = set.numClasses();
        int n = set.size();
        double[] probs = new double[n * k];
        int batch = 500;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            double[] p = CrossEntropy.probabilities(net.forward(theta, set.images(ImageSet.range(from, to), net.dataType())));
            System.arraycopy(p, 0, probs, from * k, p.length);
        }
        return of(probs, set.labels(), k);
    }

    static Metrics of(double[] probs, int[] labels, int k) {
        int n = labels.length;
        int[] pred = new int[n];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (probs[i * k + c] > probs[i * k + best]) {
                    best = c;
                }
            }
            pred[i] = best;
            correct += best == labels[i] ? 1 : 0;
        }
        double sens = 0;
        double spec = 0;
        int[] positives = k == 2 ? new int[] {1} : java.util.stream.IntStream.range(0, k).toArray();
        for (int c : positives) {
            int tp = 0, fn = 0, tn = 0, fp = 0;
            for (int i = 0; i < n; i++) {
                boolean actual = labels[i] == c;
                boolean said = pred[i] == c;
                if (actual && said) tp++;
                else if (actual) fn++;
                else if (said) fp++;
                else tn++;
            }
            sens += tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            spec += tn + fp == 0 ? 0 : (double) tn / (tn + fp);
        }
        sens /= positives.length;
        spec /= positives.length;
        double hm = sens + spec == 0 ? 0 : 2 * sens * spec / (sens + spec);
        double auc = k == 2 ? auc(probs, labels) : Double.NaN;
        return new Metrics((double) correct / n, sens, spec, hm, auc);
    }

    private static double auc(double[] probs, int[] labels) {
        int n = labels.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(probs[a * 2 + 1], probs[b * 2 + 1]));
        double rankSumPos = 0;
        int pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && probs[order[j + 1] * 2 + 1] == probs[order[i] * 2 + 1]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int m = i; m <= j; m++) {
                if (labels[order[m]] == 1) {
                    rankSumPos += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        int neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Mean and sample standard deviation of each measure over several runs, and the runs themselves. */
    public record Summary(Metrics mean, Metrics sd, java.util.List<Metrics> each) {
        public int runs() {
            return each.size();
        }


        public static Summary of(java.util.List<Metrics> runs) {
            double[][] v = runs.stream().map(m -> new double[] {m.accuracy, m.sensitivity, m.specificity,
                    m.harmonicMean, m.auc}).toArray(double[][]::new);
            double[] mean = new double[5];
            double[] sd = new double[5];
            for (int f = 0; f < 5; f++) {
                for (double[] r : v) {
                    mean[f] += r[f] / v.length;
                }
                for (double[] r : v) {
                    sd[f] += v.length > 1 ? (r[f] - mean[f]) * (r[f] - mean[f]) / (v.length - 1) : 0;
                }
                sd[f] = Math.sqrt(sd[f]);
            }
            return new Summary(new Metrics(mean[0], mean[1], mean[2], mean[3], mean[4]),
                    new Metrics(sd[0], sd[1], sd[2], sd[3], sd[4]), java.util.List.copyOf(runs));
        }
    }
}
