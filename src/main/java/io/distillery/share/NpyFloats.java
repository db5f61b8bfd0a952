package io.distillery.share;

import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Float arrays from the little-endian float32/float64 {@code .npy} files the distillation engine writes. */
record NpyFloats(int[] shape, double[] values) {

    static NpyFloats read(Path file) {
        NpyArray a;
        try (InputStream in = Files.newInputStream(file)) {
            a = Npy.read(in);
        } catch (IOException | RuntimeException e) {
            throw new ShareException(file + ": unreadable .npy (" + e.getMessage() + ")", e);
        }
        ByteBuffer bb = ByteBuffer.wrap(a.data()).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[(int) a.size()];
        switch (a.dtype()) {
            case "<f4" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = bb.getFloat();
                }
            }
            case "<f8" -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = bb.getDouble();
                }
            }
            default -> throw new ShareException(file + ": expected float32 or float64, got " + a.dtype());
        }
        return new NpyFloats(a.shape(), v);
    }

    static void writeFloat32(Path file, int[] shape, double[] values) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : values) {
            bb.putFloat((float) x);
        }
        Npy.write(file, new NpyArray("<f4", shape, bb.array()));
    }
}
