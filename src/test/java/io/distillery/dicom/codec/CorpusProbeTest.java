package io.distillery.dicom.codec;

import io.distillery.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusProbeTest {
    @TempDir
    Path temp;

    @Test
    void probe() throws Exception {
        List<String> lines = Files.readAllLines(SharedData.dicomCorpus().resolve("index.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String ts = f[2];
            if (!(ts.matches("1\\.2\\.840\\.10008\\.1\\.2\\.4\\.(5[0-9]|70)") || ts.equals("1.2.840.10008.1.2.5"))) {
                continue;
            }
            Path path = SharedData.dicomCorpus().resolve(f[0]);
            String result;
            try {
                TestDicomFile file = TestDicomFile.read(path);
                if (file.fragments == null) {
                    System.out.println("PROBE " + f[0] + " no pixel data");
                    continue;
                }
                TestDicomFile ref = Dcmtk.decompress(ts.equals("1.2.840.10008.1.2.5") ? "dcmdrle" : "dcmdjpeg", path, temp);
                List<byte[]> frames = file.compressedFrames();
                FrameDecoder d = Codecs.requireDecoder(ts);
                int max = 0;
                String pi = null;
                for (int i = 0; i < frames.size(); i++) {
                    DecodedFrame out = d.decode(frames.get(i), file.descriptor());
                    pi = out.photometricInterpretation();
                    byte[] expect = ref.nativeFrame(i);
                    if (expect.length != out.data().length) {
                        throw new IllegalStateException("length " + out.data().length + " vs " + expect.length);
                    }
                    boolean wide = file.bitsAllocated > 8;
                    for (int j = 0; j < expect.length; j += wide ? 2 : 1) {
                        int a = wide ? (out.data()[j] & 0xFF | (out.data()[j + 1] & 0xFF) << 8) : out.data()[j] & 0xFF;
                        int b = wide ? (expect[j] & 0xFF | (expect[j + 1] & 0xFF) << 8) : expect[j] & 0xFF;
                        max = Math.max(max, Math.abs(a - b));
                    }
                }
                result = "frames=" + frames.size() + " maxdiff=" + max + " pi=" + pi + " dcmtkpi=" + ref.photometric;
            } catch (Exception e) {
                result = "FAIL " + e;
            }
            System.out.println("PROBE " + f[0] + " " + ts + " " + result);
        }
    }
}
