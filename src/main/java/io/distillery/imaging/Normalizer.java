package io.distillery.imaging;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.Sequence;
import io.distillery.dicom.Tag;
import io.distillery.dicom.codec.ImageDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns one decoded frame into a training sample: float grey values in [0, 1] on the target grid.
 *
 * <p>Order, as PS3.3 C.11 and PS3.4 N.2 define the grayscale pipeline: stored values (masked and sign-extended to
 * Bits Stored) -> Modality LUT (Modality LUT Sequence, else Rescale Slope/Intercept) -> VOI (VOI LUT Sequence, or
 * Window Center/Width with VOI LUT Function LINEAR, LINEAR_EXACT or SIGMOID, or a robust percentile window) ->
 * MONOCHROME1 inversion -> aspect (crop/pad) -> resize.
 *
 * <p>Colour rule: RGB (and PALETTE COLOR after its palette) becomes grey by ITU-R BT.601 luma
 * (0.299 R + 0.587 G + 0.114 B); YBR_FULL / YBR_FULL_422 native data uses its Y component, which is that luma.
 * Colour images have no Modality or VOI LUT: values are scaled by the largest value Bits Stored allows.
 */
public final class Normalizer {
    private Normalizer() {
    }

    /** What was done, for provenance. */
    public record Result(float[] pixels, int rows, int columns, int frame, String voiApplied) {
    }

    /**
     * @param dataset the instance's attributes (for LUTs, windows, photometric interpretation)
     * @param image the decoded frame's description
     * @param photometric the decoded frame's photometric interpretation (may differ from the dataset's after a
     *     codec's colour transform)
     * @param frameIndex which frame {@code nativeFrame} is (recorded in the result)
     * @param nativeFrame one frame of native little-endian samples, colour-by-pixel
     * @param floating whether the samples are IEEE floats (Float / Double Float Pixel Data)
     */
    public static Result normalize(Attributes dataset, ImageDescriptor image, String photometric, int frameIndex,
            byte[] nativeFrame, boolean floating, NormalizeOptions options) {
        int rows = image.rows();
        int cols = image.columns();
        int spp = image.samplesPerPixel();
        double[] stored = storedValues(image, nativeFrame, floating);
        String pi = photometric == null ? image.photometricInterpretation() : photometric.trim().toUpperCase(Locale.ROOT);
        double[] grey;
        String voi;
        if (spp == 1 && pi.equals("PALETTE COLOR")) {
            grey = paletteToGrey(dataset, stored);
            voi = "palette+BT.601";
        } else if (spp == 1) {
            double[] modality = modalityLut(dataset, stored, floating);
            VoiResult v = voiLut(dataset, modality, options);
            grey = v.values;
            voi = v.description;
            if (pi.equals("MONOCHROME1")) {
                for (int i = 0; i < grey.length; i++) {
                    grey[i] = 1 - grey[i];
                }
            }
        } else if (spp == 3) {
            grey = new double[rows * cols];
            double max = floating ? 1 : (1L << Math.min(image.bitsStored(), 32)) - 1;
            boolean ybr = pi.startsWith("YBR");
            for (int p = 0; p < grey.length; p++) {
                double r = stored[3 * p];
                double g = stored[3 * p + 1];
                double b = stored[3 * p + 2];
                grey[p] = clamp01((ybr ? r : 0.299 * r + 0.587 * g + 0.114 * b) / max);
            }
            voi = ybr ? "Y of " + pi : "BT.601 luma";
        } else {
            throw new DicomException("cannot normalise " + spp + " samples per pixel (" + pi + ")");
        }
        double[] shaped = fitAspect(grey, rows, cols, options);
        int sr = fittedRows(rows, cols, options);
        int sc = fittedCols(rows, cols, options);
        double[] resized = Resampler.resize(shaped, sr, sc, options.rows(), options.columns(), options.enlarge());
        float[] out = new float[resized.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) clamp01(resized[i]);
        }
        return new Result(out, options.rows(), options.columns(), frameIndex, voi);
    }

    /** Which frame to take for a given frame count: the option's index, or the middle frame for -1. */
    public static int selectFrame(int frames, NormalizeOptions options) {
        int f = options.frame() < 0 ? (frames - 1) / 2 : options.frame();
        if (f >= frames) {
            throw new DicomException("frame " + f + " requested but the object has " + frames + " frame(s)");
        }
        return f;
    }

    /** Stored sample values, masked to Bits Stored and sign-extended when Pixel Representation is 1. */
    static double[] storedValues(ImageDescriptor d, byte[] frame, boolean floating) {
        int n = d.rows() * d.columns() * d.samplesPerPixel();
        double[] out = new double[n];
        ByteBuffer bb = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int bitsStored = Math.max(1, Math.min(d.bitsStored(), d.bitsAllocated()));
        long mask = bitsStored >= 64 ? -1L : (1L << bitsStored) - 1;
        boolean signed = d.pixelRepresentation() == 1;
        int ba = d.bitsAllocated();
        long need = d.nativeFrameLength();
        if (frame.length < need) {
            throw new DicomException("frame has " + frame.length + " bytes, expected " + need);
        }
        for (int i = 0; i < n; i++) {
            if (floating) {
                out[i] = ba == 64 ? bb.getDouble(8 * i) : bb.getFloat(4 * i);
                continue;
            }
            long raw = switch (ba) {
                case 1 -> (frame[i >>> 3] >>> (i & 7)) & 1;
                case 8 -> frame[i] & 0xFF;
                case 16 -> bb.getShort(2 * i) & 0xFFFF;
                case 32 -> bb.getInt(4 * i) & 0xFFFFFFFFL;
                default -> throw new DicomException("Bits Allocated " + ba + " is not supported");
            };
            long v = raw & mask;
            if (signed && bitsStored < 64 && (v & (1L << (bitsStored - 1))) != 0) {
                v -= 1L << bitsStored;
            }
            out[i] = v;
        }
        return out;
    }

    static double[] modalityLut(Attributes ds, double[] stored, boolean floating) {
        Sequence seq = ds.getSequence(Tag.ModalityLUTSequence);
        if (seq != null && !seq.isEmpty() && !floating) {
            Lut lut = Lut.fromItem(seq.get(0));
            double[] out = new double[stored.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = lut.lookup(stored[i]);
            }
            return out;
        }
        double slope = ds.getDouble(Tag.RescaleSlope, 1);
        double intercept = ds.getDouble(Tag.RescaleIntercept, 0);
        if (slope == 1 && intercept == 0) {
            return stored;
        }
        double[] out = new double[stored.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = stored[i] * slope + intercept;
        }
        return out;
    }

    record VoiResult(double[] values, String description) {
    }

    private static VoiResult voiLut(Attributes ds, double[] x, NormalizeOptions o) {
        switch (o.voi()) {
            case EXPLICIT:
                return window(x, o.windowCenter(), o.windowWidth(), "LINEAR");
            case MIN_MAX:
                return range(x, 0, 100, "min-max");
            case PERCENTILE:
                return range(x, o.lowPercentile(), o.highPercentile(), "percentile");
            default:
                break;
        }
        Sequence seq = ds.getSequence(Tag.VOILUTSequence);
        if (seq != null && !seq.isEmpty()) {
            Lut lut = Lut.fromItem(seq.get(Math.min(o.windowIndex(), seq.size() - 1)));
            double max = lut.maxOutput();
            double[] out = new double[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = clamp01(lut.lookup(x[i]) / max);
            }
            return new VoiResult(out, "VOI LUT Sequence item " + Math.min(o.windowIndex(), seq.size() - 1));
        }
        double[] centers = ds.getDoubles(Tag.WindowCenter);
        double[] widths = ds.getDoubles(Tag.WindowWidth);
        if (centers.length > 0 && widths.length > 0) {
            int k = Math.min(o.windowIndex(), Math.min(centers.length, widths.length) - 1);
            String function = ds.getString(Tag.VOILUTFunction, "LINEAR").trim().toUpperCase(Locale.ROOT);
            if (widths[k] > 0) {
                return window(x, centers[k], widths[k], function);
            }
        }
        return range(x, o.lowPercentile(), o.highPercentile(), "percentile");
    }

    /** PS3.3 C.11.2.1.2 (LINEAR) and C.11.2.1.3 (LINEAR_EXACT, SIGMOID), output scaled to [0, 1]. */
    static VoiResult window(double[] x, double c, double w, String function) {
        double[] out = new double[x.length];
        switch (function) {
            case "SIGMOID" -> {
                for (int i = 0; i < x.length; i++) {
                    out[i] = 1 / (1 + Math.exp(-4 * (x[i] - c) / w));
                }
            }
            case "LINEAR_EXACT" -> {
                for (int i = 0; i < x.length; i++) {
                    out[i] = x[i] <= c - w / 2 ? 0 : x[i] > c + w / 2 ? 1 : (x[i] - c) / w + 0.5;
                }
            }
            default -> {
                if (w < 1) {
                    throw new DicomException("LINEAR window width must be >= 1, got " + w);
                }
                double lo = c - 0.5 - (w - 1) / 2;
                double hi = c - 0.5 + (w - 1) / 2;
                for (int i = 0; i < x.length; i++) {
                    out[i] = x[i] <= lo ? 0 : x[i] > hi ? 1 : w == 1 ? 1 : (x[i] - (c - 0.5)) / (w - 1) + 0.5;
                }
            }
        }
        return new VoiResult(out, String.format(Locale.ROOT, "window %s c=%s w=%s", function, c, w));
    }

    private static VoiResult range(double[] x, double lowPct, double highPct, String what) {
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double lo = percentile(sorted, lowPct);
        double hi = percentile(sorted, highPct);
        double[] out = new double[x.length];
        if (hi > lo) {
            for (int i = 0; i < x.length; i++) {
                out[i] = clamp01((x[i] - lo) / (hi - lo));
            }
        }
        return new VoiResult(out, String.format(Locale.ROOT, "%s window [%s, %s]", what, lo, hi));
    }

    /** Linear interpolation between closest ranks (numpy's default "linear" method). */
    static double percentile(double[] sorted, double p) {
        double pos = p / 100 * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double t = pos - i;
        return sorted[i] * (1 - t) + sorted[i + 1] * t;
    }

    private static double[] paletteToGrey(Attributes ds, double[] stored) {
        Lut r = Lut.of(ds, Tag.RedPaletteColorLookupTableDescriptor, Tag.RedPaletteColorLookupTableData);
        Lut g = Lut.of(ds, Tag.GreenPaletteColorLookupTableDescriptor, Tag.GreenPaletteColorLookupTableData);
        Lut b = Lut.of(ds, Tag.BluePaletteColorLookupTableDescriptor, Tag.BluePaletteColorLookupTableData);
        double[] out = new double[stored.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = clamp01((0.299 * r.lookup(stored[i]) / r.maxOutput()) + (0.587 * g.lookup(stored[i]) / g.maxOutput())
                    + (0.114 * b.lookup(stored[i]) / b.maxOutput()));
        }
        return out;
    }

    private static int fittedRows(int rows, int cols, NormalizeOptions o) {
        return switch (o.aspect()) {
            case STRETCH -> rows;
            case CROP -> Math.min(rows, (int) Math.round((double) cols * o.rows() / o.columns()));
            case PAD -> Math.max(rows, (int) Math.round((double) cols * o.rows() / o.columns()));
        };
    }

    private static int fittedCols(int rows, int cols, NormalizeOptions o) {
        return switch (o.aspect()) {
            case STRETCH -> cols;
            case CROP -> Math.min(cols, (int) Math.round((double) rows * o.columns() / o.rows()));
            case PAD -> Math.max(cols, (int) Math.round((double) rows * o.columns() / o.rows()));
        };
    }

    /** Centre crop or centre pad (black) to the target aspect ratio. */
    private static double[] fitAspect(double[] img, int rows, int cols, NormalizeOptions o) {
        int nr = Math.max(1, fittedRows(rows, cols, o));
        int nc = Math.max(1, fittedCols(rows, cols, o));
        if (nr == rows && nc == cols) {
            return img;
        }
        double[] out = new double[nr * nc];
        int dr = (rows - nr) / 2;
        int dc = (cols - nc) / 2;
        for (int r = 0; r < nr; r++) {
            int sr = r + dr;
            if (sr < 0 || sr >= rows) {
                continue;
            }
            for (int c = 0; c < nc; c++) {
                int sc = c + dc;
                if (sc >= 0 && sc < cols) {
                    out[r * nc + c] = img[sr * cols + sc];
                }
            }
        }
        return out;
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
