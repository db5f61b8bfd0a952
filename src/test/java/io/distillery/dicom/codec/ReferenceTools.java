package io.distillery.dicom.codec;

import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real reference decoders (dcmtk, gdcm from Debian) and reads the corpus index. */
final class ReferenceTools {
    private ReferenceTools() {
    }

    static Path corpus(String relative) {
        return SharedData.dicomCorpus().resolve(relative);
    }

    /** Corpus files (relative paths) whose transfer syntax is one of {@code uids}, from index.csv. */
    static List<String> corpusFiles(String... uids) throws IOException {
        List<String> result = new ArrayList<>();
        for (String line : Files.readAllLines(SharedData.dicomCorpus().resolve("index.csv"))) {
            String[] cols = line.split(",", 4);
            if (cols.length > 3 && List.of(uids).contains(cols[2])) {
                result.add(cols[0]);
            }
        }
        return result;
    }

    /**
     * Decompresses with the given tool into explicit VR little endian and returns its native Pixel Data.
     * {@code command} gets input and output paths appended.
     */
    static byte[] decompress(Path input, Path workDir, String... command) throws IOException, InterruptedException {
        Path output = workDir.resolve(input.getFileName() + "." + command[0] + ".dcm");
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.add(input.toString());
        cmd.add(output.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command[0] + " not found: install dcmtk and libgdcm-tools (apt-get)", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + log);
        }
        return ImageFile.read(output).nativePixelData();
    }

    static byte[] dcmdjpls(Path input, Path workDir) throws IOException, InterruptedException {
        return decompress(input, workDir, "dcmdjpls", "+te");
    }

    static byte[] gdcmRaw(Path input, Path workDir) throws IOException, InterruptedException {
        return decompress(input, workDir, "gdcmconv", "--raw", "--explicit");
    }

    /** Decodes every frame of a corpus file and joins them, as a native multi-frame Pixel Data would hold them. */
    static byte[] decodeAll(FrameDecoder decoder, ImageFile file) {
        ImageDescriptor image = file.descriptor();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] frame : file.compressedFrames()) {
            DecodedFrame decoded = decoder.decode(frame, image);
            if (decoded.data().length != image.nativeFrameLength()) {
                throw new AssertionError("frame length " + decoded.data().length + " != "
                        + image.nativeFrameLength());
            }
            all.writeBytes(decoded.data());
        }
        return all.toByteArray();
    }

    /** Sample value i of native little-endian data, sign-extended from bitsStored when signed. */
    static int sample(byte[] data, int i, ImageDescriptor image) {
        int v = image.bitsAllocated() == 8 ? data[i] & 0xFF : (data[2 * i] & 0xFF) | (data[2 * i + 1] & 0xFF) << 8;
        if (image.pixelRepresentation() == 1) {
            int shift = 32 - image.bitsStored();
            v = v << shift >> shift;
        } else {
            v &= (int) ((1L << image.bitsStored()) - 1);
        }
        return v;
    }

    /** Max and mean absolute difference of the samples of two native buffers. */
    static double[] absDiff(byte[] a, byte[] b, ImageDescriptor image) {
        int samples = a.length / (image.bitsAllocated() / 8);
        long max = 0;
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            long d = Math.abs((long) sample(a, i, image) - sample(b, i, image));
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / samples};
    }
}
