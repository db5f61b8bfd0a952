package io.distillery.imaging;

/**
 * How one instance becomes a training sample. Every field has a route-level option of the same name.
 *
 * @param rows target grid height
 * @param columns target grid width
 * @param frame which frame of a multi-frame object: a 0-based index, or -1 for the middle frame
 * @param aspect how the source aspect ratio is kept on the target grid
 * @param enlarge interpolation when a dimension grows (shrinking always averages areas)
 * @param voi which VOI transformation to apply
 * @param windowIndex which of several Window Center/Width values (or VOI LUT Sequence items) to use
 * @param windowCenter explicit window centre (voi == EXPLICIT)
 * @param windowWidth explicit window width (voi == EXPLICIT)
 * @param lowPercentile lower bound of the robust window (voi == PERCENTILE, or no window in the dataset)
 * @param highPercentile upper bound of the robust window
 */
public record NormalizeOptions(int rows, int columns, int frame, Aspect aspect, Interpolation enlarge, Voi voi,
        int windowIndex, double windowCenter, double windowWidth, double lowPercentile, double highPercentile) {

    /** Keeping the aspect ratio: crop the longer side centrally, pad the shorter side with black, or stretch. */
    public enum Aspect { CROP, PAD, STRETCH }

    /** Interpolation used when enlarging. */
    public enum Interpolation { BILINEAR, BICUBIC }

    /**
     * DATASET: the dataset's VOI LUT Sequence or Window Center/Width (with its VOI LUT Function), falling back to
     * PERCENTILE when it has neither; EXPLICIT: the window given here; PERCENTILE: robust window from the
     * modality values' percentiles; MIN_MAX: full range of the modality values.
     */
    public enum Voi { DATASET, EXPLICIT, PERCENTILE, MIN_MAX }

    public NormalizeOptions {
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException("target grid must be positive: " + rows + "x" + columns);
        }
        if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
            throw new IllegalArgumentException("percentiles must satisfy 0 <= low < high <= 100");
        }
        if (voi == Voi.EXPLICIT && !(windowWidth >= 1)) {
            throw new IllegalArgumentException("explicit window width must be >= 1");
        }
    }

    /** 28 x 28, middle frame, crop, bicubic, dataset window else 0.5-99.5 percentile window. */
    public static NormalizeOptions defaults() {
        return of(28, 28);
    }

    public static NormalizeOptions of(int rows, int columns) {
        return new NormalizeOptions(rows, columns, -1, Aspect.CROP, Interpolation.BICUBIC, Voi.DATASET, 0, 0, 0,
                0.5, 99.5);
    }

    public NormalizeOptions withVoi(Voi v) {
        return new NormalizeOptions(rows, columns, frame, aspect, enlarge, v, windowIndex, windowCenter, windowWidth,
                lowPercentile, highPercentile);
    }

    public NormalizeOptions withWindow(double center, double width) {
        return new NormalizeOptions(rows, columns, frame, aspect, enlarge, Voi.EXPLICIT, windowIndex, center, width,
                lowPercentile, highPercentile);
    }

    public NormalizeOptions withWindowIndex(int index) {
        return new NormalizeOptions(rows, columns, frame, aspect, enlarge, voi, index, windowCenter, windowWidth,
                lowPercentile, highPercentile);
    }

    public NormalizeOptions withAspect(Aspect a) {
        return new NormalizeOptions(rows, columns, frame, a, enlarge, voi, windowIndex, windowCenter, windowWidth,
                lowPercentile, highPercentile);
    }

    public NormalizeOptions withEnlarge(Interpolation i) {
        return new NormalizeOptions(rows, columns, frame, aspect, i, voi, windowIndex, windowCenter, windowWidth,
                lowPercentile, highPercentile);
    }

    public NormalizeOptions withFrame(int f) {
        return new NormalizeOptions(rows, columns, f, aspect, enlarge, voi, windowIndex, windowCenter, windowWidth,
                lowPercentile, highPercentile);
    }

    public NormalizeOptions withPercentiles(double low, double high) {
        return new NormalizeOptions(rows, columns, frame, aspect, enlarge, voi, windowIndex, windowCenter, windowWidth,
                low, high);
    }
}
