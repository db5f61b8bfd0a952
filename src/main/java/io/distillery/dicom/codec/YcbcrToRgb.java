package io.distillery.dicom.codec;

/**
 * YCbCr (JFIF / DICOM YBR_FULL) to RGB with libjpeg 6b's fixed-point arithmetic ({@code jdcolor.c}), so that
 * converted colour output matches dcmtk's to the bit.
 */
final class YcbcrToRgb {
    private static final int SCALE_BITS = 16;
    private static final long ONE_HALF = 1L << (SCALE_BITS - 1);
    private static final long FIX_1_40200 = fix(1.40200);
    private static final long FIX_1_77200 = fix(1.77200);
    private static final long FIX_0_71414 = fix(0.71414);
    private static final long FIX_0_34414 = fix(0.34414);

    private YcbcrToRgb() {
    }

    private static long fix(double x) {
        return (long) (x * (1L << SCALE_BITS) + 0.5);
    }

    /** Converts in place: y/cb/cr planes become r/g/b planes of the same precision. */
    static void convert(int[] y, int[] cb, int[] cr, int precision) {
        int center = 1 << (precision - 1);
        int max = (1 << precision) - 1;
        for (int i = 0; i < y.length; i++) {
            long b = cb[i] - center;
            long r = cr[i] - center;
            int luma = y[i];
            int red = luma + (int) ((FIX_1_40200 * r + ONE_HALF) >> SCALE_BITS);
            int green = luma + (int) ((-FIX_0_34414 * b + ONE_HALF - FIX_0_71414 * r) >> SCALE_BITS);
            int blue = luma + (int) ((FIX_1_77200 * b + ONE_HALF) >> SCALE_BITS);
            y[i] = clamp(red, max);
            cb[i] = clamp(green, max);
            cr[i] = clamp(blue, max);
        }
    }

    private static int clamp(int value, int max) {
        return value < 0 ? 0 : Math.min(value, max);
    }
}
