package io.distillery.distill.data;

/**
 * Input scaling: uint8 pixels are divided by 255 to [0, 1], then standardised with the mean and standard
 * deviation of the training images (one pair for all channels), as the reference code does with the
 * dataset's normalisation constants. Float images are taken as already in [0, 1]. The same pair is applied to
 * validation and test images and is written into the model spec, so distilled images can be mapped back
 * to pixel values.
 */
public record Standardisation(double mean, double std) {

    public static Standardisation of(float[] unitPixels) {
        double sum = 0;
        for (float v : unitPixels) {
            sum += v;
        }
        double mean = sum / unitPixels.length;
        double sq = 0;
        for (float v : unitPixels) {
            sq += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(sq / unitPixels.length);
        return new Standardisation(mean, std > 0 ? std : 1.0);
    }

    public void applyInPlace(float[] unitPixels) {
        for (int i = 0; i < unitPixels.length; i++) {
            unitPixels[i] = (float) ((unitPixels[i] - mean) / std);
        }
    }

    /** Standardised value back to [0, 1] pixel scale (may leave the range for distilled images). */
    public double toUnit(double standardised) {
        return standardised * std + mean;
    }
}
