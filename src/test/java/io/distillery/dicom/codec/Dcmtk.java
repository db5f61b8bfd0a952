package io.distillery.dicom.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's dcmtk tools (the reference peer the codecs are checked against). */
final class Dcmtk {
    private Dcmtk() {
    }

    /** Runs a dcmtk tool with the given arguments and fails with its output if it does not exit 0. */
    static void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(tool + " not found: install Debian's dcmtk (apt-get install -y dcmtk)", e);
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(tool + " " + String.join(" ", args) + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** Decompresses a file with the given dcmtk tool (dcmdjpeg, dcmdrle) into tempDir, colour-by-pixel. */
    static ImageFile decompress(String tool, Path input, Path tempDir) throws IOException, InterruptedException {
        Path output = Files.createTempFile(tempDir, "dcmtk-", ".dcm");
        if (tool.equals("dcmdjpeg")) {
            run(tool, "+px", input.toString(), output.toString());
        } else {
            run(tool, input.toString(), output.toString());
        }
        return ImageFile.read(output);
    }
}
