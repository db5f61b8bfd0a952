package io.distillery.cli;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomFile;
import io.distillery.npy.Npy;
import io.distillery.dicom.PixelData;
import io.distillery.dicom.codec.ImageDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicom decode}: the stored pixel values of each file (see {@link PixelData}: decompressed, before any LUT)
 * as DIR/&lt;file name&gt;.npy shaped (frames, rows, columns) or (frames, rows, columns, samples).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Write the pixel data of each file, decompressed and before any LUT, as DIR/<file name>.npy.")
public final class DecodeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output directory")
    Path out;

    @Option(names = "--verbose", description = "stack traces for failed files")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        PerFile.OutputDir dir = new PerFile.OutputDir(out);
        return PerFile.run(files, verbose, spec.commandLine().getErr(), file -> {
            DicomFile dicom = DicomFile.read(file);
            PixelData pixels = PixelData.of(dicom.dataset(), dicom.transferSyntax());
            ImageDescriptor image = pixels.image();
            long[] shape = image.samplesPerPixel() == 1
                    ? new long[] {image.frames(), image.rows(), image.columns()}
                    : new long[] {image.frames(), image.rows(), image.columns(), image.samplesPerPixel()};
            dir.write(file, ".npy", o -> {
                Npy.writeHeader(o, pixels.numpyDtype(), shape);
                for (int i = 0; i < image.frames(); i++) {
                    byte[] frame = pixels.frame(i).data();
                    if (frame.length != pixels.frameLength()) {
                        throw new DicomException("frame " + (i + 1) + " has " + frame.length + " bytes, expected "
                                + pixels.frameLength());
                    }
                    o.write(frame);
                }
            });
        });
    }
}
