package io.distillery.cli;

import io.distillery.dicom.DicomFile;
import io.distillery.dicom.DicomJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicom dump}: the DICOM JSON Model (PS3.18 Annex F) of each file, see {@link DicomJson}. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print (or write as DIR/<file name>.json) the DICOM JSON Model of each file's dataset.")
public final class DumpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "write DIR/<file name>.json instead of printing")
    Path out;

    @Option(names = "--meta", description = "include the File Meta Information group (0002,xxxx)")
    boolean meta;

    @Option(names = "--inline-limit", paramLabel = "BYTES", defaultValue = "" + DicomJson.DEFAULT_INLINE_LIMIT,
            description = "largest bulk value written as InlineBinary; larger ones become a BulkDataURI "
                    + "(file:///path?offset=N&length=M) (default: ${DEFAULT-VALUE})")
    int inlineLimit;

    @Option(names = "--compact", description = "no indentation")
    boolean compact;

    @Option(names = "--verbose", description = "stack traces for failed files")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        if (inlineLimit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--inline-limit must be >= 0");
        }
        DicomJson json = new DicomJson(inlineLimit, !compact);
        PerFile.OutputDir dir = out == null ? null : new PerFile.OutputDir(out);
        return PerFile.run(files, verbose, spec.commandLine().getErr(), file -> {
            DicomFile dicom = DicomFile.read(file);
            if (dir != null) {
                dir.write(file, ".json", o -> json.write(meta ? dicom.fileMeta() : null, dicom.dataset(), o));
            } else {
                // render fully first: a file that fails half way prints nothing. Bytes, not the picocli writer,
                // so that the output is UTF-8 whatever the platform charset.
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                json.write(meta ? dicom.fileMeta() : null, dicom.dataset(), buf);
                PrintStream stdout = System.out;
                buf.writeTo(stdout);
                stdout.flush();
            }
        });
    }
}
