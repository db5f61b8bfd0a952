package io.distillery.cli;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.codec.PixelTranscoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicom transcode --ts UID --out FILE FILE}: rewrites a file in another transfer syntax. Between the
 * uncompressed syntaxes and deflate it re-encodes the dataset; compressed pixel data is decompressed by the
 * toolkit's decoders and native pixel data can be compressed to RLE Lossless or wrapped as Encapsulated
 * Uncompressed (1.2.840.10008.1.2.1.98, one fragment per frame). Other compressions fail with a
 * message naming both syntaxes. The output appears only
 * when complete (written beside it, then moved into place).
 */
@Command(name = "transcode", mixinStandardHelpOptions = true,
        description = "Rewrite a DICOM file in another transfer syntax (uncompressed, deflate, RLE, encapsulated"
                + " uncompressed; decompresses any"
                + " syntax the toolkit decodes).")
public final class TranscodeCommand implements Callable<Integer> {
    @Option(names = "--ts", required = true, paramLabel = "UID", description = "Target transfer syntax UID.")
    String transferSyntax;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file.")
    Path out;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Parameters(arity = "1", paramLabel = "FILE", description = "Input DICOM file.")
    Path input;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            TransferSyntax target = TransferSyntax.of(transferSyntax.trim());
            DicomFile source = DicomFile.read(input);
            Attributes dataset = PixelTranscoder.transcode(source.dataset(), source.transferSyntax(), target);
            Path dir = out.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".part");
            try {
                new DicomFile(source.fileMeta(), dataset, target).write(tmp, target);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return 0;
        } catch (DicomException | IOException e) {
            String msg = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
            spec.commandLine().getErr().println(input + ": " + msg);
            if (verbose) {
                e.printStackTrace(spec.commandLine().getErr());
            }
            return 1;
        }
    }
}
