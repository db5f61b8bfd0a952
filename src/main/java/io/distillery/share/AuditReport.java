package io.distillery.share;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The reviewer's HTML report: one self-contained printable file, images inline as PNG data URIs. */
final class AuditReport {
    static final String LIMITATION = "Dataset distillation is not a formal privacy guarantee. Carlini et al. (2022, "
            + "\"No Free Lunch in 'Privacy for Free: How does Dataset Condensation Help Privacy'\") found no significant"
            + " privacy benefit from distillation alone. This audit looks for specific, known failure modes (copied"
            + " identifiers, near-copies of training images, a model that separates training patients from others);"
            + " passing it means none of these was found, not that re-identification is impossible.";

    private AuditReport() {
    }

    static String html(PrivacyAudit.Result r, PrivacyAudit.Evidence e) {
        int h = e.model().spec().height();
        int w = e.model().spec().width();
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Privacy audit ")
                .append(esc(r.packageId())).append("</title><style>")
                .append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;color:#222;max-width:60em}")
                .append("h1{font-size:1.5em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.6em}")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .5em;")
                .append("text-align:left;vertical-align:middle}th{background:#eee}")
                .append(".verdict{font-size:1.3em;padding:.6em 1em;border-radius:4px;color:#fff;display:inline-block}")
                .append(".PASS{background:#2e7d32}.REVIEW{background:#b26a00}.FAIL{background:#c62828}")
                .append(".flag{color:#c62828;font-weight:bold}.bar{display:inline-block;height:.8em;background:#4a6fa5}")
                .append("img{image-rendering:pixelated;border:1px solid #888}.note{color:#555;font-size:.9em}")
                .append(".limit{border-left:4px solid #b26a00;padding:.5em 1em;background:#fff8e1}")
                .append("@media print{body{margin:0}tr,img{page-break-inside:avoid}}</style></head><body>");
        b.append("<h1>Privacy audit of package ").append(esc(r.packageId())).append("</h1>");
        b.append("<p class=\"note\">Manifest SHA-256 ").append(esc(r.manifestSha256())).append("<br>Created ")
                .append(esc(e.manifest().path("created").asText())).append(" · software ")
                .append(esc(e.manifest().at("/software/version").asText())).append("</p>");
        b.append("<p><span class=\"verdict ").append(r.verdict()).append("\">").append(r.verdict()).append("</span> ")
                .append(esc(plain(r.verdict()))).append("</p><ul>");
        r.reasons().forEach(s -> b.append("<li>").append(esc(s)).append("</li>"));
        b.append("</ul><p><b>Mode:</b> ").append(esc(PrivacyMode.sentence(e.manifest().at("/evaluation/privacy"))))
                .append(".</p>");
        b.append("<p class=\"limit\">").append(esc(LIMITATION)).append("</p>");

        b.append("<h2>1. Identifying values in the package</h2><p>")
                .append(r.identifiersChecked()).append(" distinct identifying values of the source cohort (names, IDs,"
                        + " dates of birth, accession numbers, institutions, device serials, descriptions) were searched"
                        + " for in every byte of every file, as UTF-8 and Latin-1 text, ignoring letter case.</p>");
        if (r.leaks().isEmpty()) {
            b.append("<p>None found.</p>");
        } else {
            b.append("<table><tr><th>file</th><th>value found</th><th>encoding</th></tr>");
            r.leaks().forEach(l -> b.append("<tr><td>").append(esc(l.file())).append("</td><td class=\"flag\">")
                    .append(esc(l.value())).append("</td><td>").append(l.encoding()).append("</td></tr>"));
            b.append("</table>");
        }

        PrivacyAudit.Yardstick y = r.yardstick();
        b.append("<h2>2. Nearest real training images</h2><p>For each synthetic image, the most similar of the ")
                .append(e.train().length).append(" real training images by SSIM (structure) and by normalised"
                        + " cross-correlation (NCC). Yardstick: the same search for ").append(y.images())
                .append(" real held-out images, which were never used for training; a synthetic image closer to"
                        + " a training image than 95% of held-out images get is flagged for review. Near-copy thresholds: SSIM ≥ ")
                .append(f2(r.config().ssimFail())).append(", NCC ≥ ").append(f2(r.config().nccFail())).append(".</p>");
        b.append("<table><tr><th></th><th>median</th><th>95th percentile</th><th>maximum</th></tr>")
                .append("<tr><th>held-out SSIM</th><td>").append(f3(y.ssimMedian())).append("</td><td>")
                .append(f3(y.ssimP95())).append("</td><td>").append(f3(y.ssimMax())).append("</td></tr>")
                .append("<tr><th>held-out NCC</th><td>").append(f3(y.nccMedian())).append("</td><td>")
                .append(f3(y.nccP95())).append("</td><td>").append(f3(y.nccMax())).append("</td></tr></table>");
        b.append("<table><tr><th>synthetic</th><th>soft label</th><th>nearest by SSIM</th><th>nearest by NCC</th></tr>");
        for (PrivacyAudit.Neighbour n : r.neighbours()) {
            boolean copy = n.ssim() >= r.config().ssimFail() || n.ncc() >= r.config().nccFail();
            boolean above = n.ssim() > y.ssimP95() || n.ncc() > y.nccP95();
            b.append("<tr><td>").append(img(e.synthetic()[n.index()], h, w)).append("<br>")
                    .append(esc(ScImages.fileName(n.index(), "dcm"))).append("</td><td>")
                    .append(labelBars(e.model().softLabel(n.index()))).append("</td><td>")
                    .append(img(e.train()[n.ssimTrainIndex()], h, w)).append("<br>training #").append(n.ssimTrainIndex())
                    .append(" (label ").append(e.trainLabels()[n.ssimTrainIndex()]).append(")<br>SSIM <span")
                    .append(copy || above ? " class=\"flag\"" : "").append(">").append(f3(n.ssim())).append("</span></td><td>")
                    .append(img(e.train()[n.nccTrainIndex()], h, w)).append("<br>training #").append(n.nccTrainIndex())
                    .append(" (label ").append(e.trainLabels()[n.nccTrainIndex()]).append(")<br>NCC <span")
                    .append(copy || above ? " class=\"flag\"" : "").append(">").append(f3(n.ncc())).append("</span></td></tr>");
        }
        b.append("</table>");

        PrivacyAudit.Membership m = r.membership();
        b.append("<h2>3. Membership inference</h2><p>A loss-threshold attack on the model rebuilt from the package:"
                + " it guesses that an image was in the training set when the model's loss on it is low. Over ")
                .append(m.members()).append(" training images and ").append(m.nonMembers())
                .append(" held-out images its ROC AUC is <b>").append(f3(m.auc())).append("</b> (0.5 is a coin toss;"
                        + " review threshold ").append(f2(r.config().miaReview())).append("). Mean loss: training ")
                .append(f3(m.memberMeanLoss())).append(", held-out ").append(f3(m.nonMemberMeanLoss())).append(".</p>");

        b.append("<h2>4. Labels and metrics</h2><h3>Source cohort, images per label</h3><table><tr><th>split</th>");
        JsonNode counts = e.manifest().at("/provenance/counts_per_label");
        JsonNode first = counts.elements().hasNext() ? counts.elements().next() : null;
        int max = 1;
        for (JsonNode split : counts) {
            for (JsonNode c : split) {
                max = Math.max(max, c.asInt());
            }
        }
        if (first != null) {
            first.fieldNames().forEachRemaining(k -> b.append("<th>label ").append(esc(k)).append("</th>"));
        }
        b.append("</tr>");
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            b.append("<tr><th>").append(esc(s.getKey())).append("</th>");
            for (JsonNode c : s.getValue()) {
                b.append("<td><span class=\"bar\" style=\"width:").append(6.0 * c.asInt() / max).append("em\"></span> ")
                        .append(c.asInt()).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</table><p>Synthetic images per initial class: ");
        int[] init = PackageBuilder.initialClasses(e.model());
        int[] perClass = new int[e.model().spec().numClasses()];
        for (int c : init) {
            perClass[c]++;
        }
        for (int c = 0; c < perClass.length; c++) {
            b.append(c == 0 ? "" : ", ").append("label ").append(c).append(": ").append(perClass[c]);
        }
        b.append(". Their learned soft labels are shown beside each image above.</p>");
        b.append("<h3>Evaluation of the distill run</h3><table>");
        JsonNode ev = e.manifest().path("evaluation");
        for (String k : new String[] {"acc_distilled", "acc_distilled_sd", "sensitivity", "specificity",
                "harmonic_mean", "auc", "acc_random_real", "acc_full", "iterations", "compression_ratio"}) {
            if (ev.has(k)) {
                b.append("<tr><th>").append(k).append("</th><td>").append(esc(num(ev.get(k)))).append("</td></tr>");
            }
        }
        b.append("</table><p class=\"note\">Provenance: source modalities ")
                .append(esc(e.manifest().at("/provenance/source_modalities").toString())).append(", time window ")
                .append(esc(e.manifest().at("/provenance/time_window").toString()))
                .append(". This report shows real training images and must stay inside the hospital;"
                        + " it is not part of the package.</p></body></html>\n");
        return b.toString();
    }

    private static String plain(PrivacyAudit.Verdict v) {
        return switch (v) {
            case PASS -> "The automatic checks found nothing that identifies a patient. A reviewer still decides.";
            case REVIEW -> "Something needs a person's judgement before this package may leave; see the reasons.";
            case FAIL -> "This package must not leave the hospital as it is; see the reasons.";
        };
    }

    private static String labelBars(double[] p) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < p.length; c++) {
            b.append("label ").append(c).append(" <span class=\"bar\" style=\"width:")
                    .append(String.format(Locale.ROOT, "%.2f", 5 * Math.max(0, Math.min(1, p[c])))).append("em\"></span> ")
                    .append(f3(p[c])).append("<br>");
        }
        return b.toString();
    }

    private static String img(double[] unit, int h, int w) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(ScImages.toImage(unit, h, w, 4), "png", out);
            return "<img alt=\"\" width=\"" + 4 * w + "\" height=\"" + 4 * h + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(out.toByteArray()) + "\">";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String num(JsonNode n) {
        return n.isNumber() && !n.isIntegralNumber() ? f3(n.asDouble()) : n.asText();
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
