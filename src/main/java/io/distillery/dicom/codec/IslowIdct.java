package io.distillery.dicom.codec;

/**
 * The accurate integer inverse DCT of libjpeg 6b ({@code jidctint.c}, "islow"), which dcmtk's bundled IJG
 * libraries use; reproducing its arithmetic step by step makes lossy output match dcmtk's. Arithmetic is done in
 * {@code long}, as libjpeg's INT32 is a C {@code long} on 64-bit Linux, so corrupt coefficients cannot overflow
 * differently; out-of-range results are clamped.
 */
final class IslowIdct {
    private static final int CONST_BITS = 13;
    private static final long FIX_0_298631336 = 2446;
    private static final long FIX_0_390180644 = 3196;
    private static final long FIX_0_541196100 = 4433;
    private static final long FIX_0_765366865 = 6270;
    private static final long FIX_0_899976223 = 7373;
    private static final long FIX_1_175875602 = 9633;
    private static final long FIX_1_501321110 = 12299;
    private static final long FIX_1_847759065 = 15137;
    private static final long FIX_1_961570560 = 16069;
    private static final long FIX_2_053119869 = 16819;
    private static final long FIX_2_562915447 = 20995;
    private static final long FIX_3_072711026 = 25172;

    private IslowIdct() {
    }

    private static int descale(long x, int n) {
        return (int) ((x + (1L << (n - 1))) >> n);
    }

    /**
     * @param in dequantised coefficients in natural (row-major) order
     * @param passBits libjpeg's PASS1_BITS: 2 for 8-bit, 1 for 12-bit samples
     */
    static void transform(int[] in, int[] ws, int passBits, int center, int max, int[] out, int outPos,
            int outStride) {
        for (int col = 0; col < 8; col++) {
            if (in[8 + col] == 0 && in[16 + col] == 0 && in[24 + col] == 0 && in[32 + col] == 0
                    && in[40 + col] == 0 && in[48 + col] == 0 && in[56 + col] == 0) {
                int dc = in[col] << passBits;
                for (int r = 0; r < 8; r++) {
                    ws[r * 8 + col] = dc;
                }
                continue;
            }
            long z2 = in[16 + col];
            long z3 = in[48 + col];
            long z1 = (z2 + z3) * FIX_0_541196100;
            long tmp2 = z1 + z3 * -FIX_1_847759065;
            long tmp3 = z1 + z2 * FIX_0_765366865;
            z2 = in[col];
            z3 = in[32 + col];
            long tmp0 = (z2 + z3) << CONST_BITS;
            long tmp1 = (z2 - z3) << CONST_BITS;
            long tmp10 = tmp0 + tmp3;
            long tmp13 = tmp0 - tmp3;
            long tmp11 = tmp1 + tmp2;
            long tmp12 = tmp1 - tmp2;

            tmp0 = in[56 + col];
            tmp1 = in[40 + col];
            tmp2 = in[24 + col];
            tmp3 = in[8 + col];
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            long z4 = tmp1 + tmp3;
            long z5 = (z3 + z4) * FIX_1_175875602;
            tmp0 *= FIX_0_298631336;
            tmp1 *= FIX_2_053119869;
            tmp2 *= FIX_3_072711026;
            tmp3 *= FIX_1_501321110;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 *= -FIX_1_961570560;
            z4 *= -FIX_0_390180644;
            z3 += z5;
            z4 += z5;
            tmp0 += z1 + z3;
            tmp1 += z2 + z4;
            tmp2 += z2 + z3;
            tmp3 += z1 + z4;

            int n = CONST_BITS - passBits;
            ws[col] = descale(tmp10 + tmp3, n);
            ws[56 + col] = descale(tmp10 - tmp3, n);
            ws[8 + col] = descale(tmp11 + tmp2, n);
            ws[48 + col] = descale(tmp11 - tmp2, n);
            ws[16 + col] = descale(tmp12 + tmp1, n);
            ws[40 + col] = descale(tmp12 - tmp1, n);
            ws[24 + col] = descale(tmp13 + tmp0, n);
            ws[32 + col] = descale(tmp13 - tmp0, n);
        }
        for (int row = 0; row < 8; row++) {
            int w = row * 8;
            int o = outPos + row * outStride;
            if (ws[w + 1] == 0 && ws[w + 2] == 0 && ws[w + 3] == 0 && ws[w + 4] == 0 && ws[w + 5] == 0
                    && ws[w + 6] == 0 && ws[w + 7] == 0) {
                int value = clamp(descale(ws[w], passBits + 3) + center, max);
                for (int i = 0; i < 8; i++) {
                    out[o + i] = value;
                }
                continue;
            }
            long z2 = ws[w + 2];
            long z3 = ws[w + 6];
            long z1 = (z2 + z3) * FIX_0_541196100;
            long tmp2 = z1 + z3 * -FIX_1_847759065;
            long tmp3 = z1 + z2 * FIX_0_765366865;
            long tmp0 = ((long) ws[w] + ws[w + 4]) << CONST_BITS;
            long tmp1 = ((long) ws[w] - ws[w + 4]) << CONST_BITS;
            long tmp10 = tmp0 + tmp3;
            long tmp13 = tmp0 - tmp3;
            long tmp11 = tmp1 + tmp2;
            long tmp12 = tmp1 - tmp2;

            tmp0 = ws[w + 7];
            tmp1 = ws[w + 5];
            tmp2 = ws[w + 3];
            tmp3 = ws[w + 1];
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            long z4 = tmp1 + tmp3;
            long z5 = (z3 + z4) * FIX_1_175875602;
            tmp0 *= FIX_0_298631336;
            tmp1 *= FIX_2_053119869;
            tmp2 *= FIX_3_072711026;
            tmp3 *= FIX_1_501321110;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 *= -FIX_1_961570560;
            z4 *= -FIX_0_390180644;
            z3 += z5;
            z4 += z5;
            tmp0 += z1 + z3;
            tmp1 += z2 + z4;
            tmp2 += z2 + z3;
            tmp3 += z1 + z4;

            int n = CONST_BITS + passBits + 3;
            out[o] = clamp(descale(tmp10 + tmp3, n) + center, max);
            out[o + 7] = clamp(descale(tmp10 - tmp3, n) + center, max);
            out[o + 1] = clamp(descale(tmp11 + tmp2, n) + center, max);
            out[o + 6] = clamp(descale(tmp11 - tmp2, n) + center, max);
            out[o + 2] = clamp(descale(tmp12 + tmp1, n) + center, max);
            out[o + 5] = clamp(descale(tmp12 - tmp1, n) + center, max);
            out[o + 3] = clamp(descale(tmp13 + tmp0, n) + center, max);
            out[o + 4] = clamp(descale(tmp13 - tmp0, n) + center, max);
        }
    }

    private static int clamp(int value, int max) {
        return value < 0 ? 0 : Math.min(value, max);
    }
}
