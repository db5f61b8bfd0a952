package io.distillery.cli;

import io.distillery.deid.DeidConfig;
import io.distillery.deid.DeidOption;
import io.distillery.deid.DeidResult;
import io.distillery.deid.Deidentifier;
import io.distillery.deid.Pseudonymizer;
import io.distillery.dicom.DicomFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deid --out DIR [--option NAME ...] FILE...}: PS3.15 Basic Application Level Confidentiality Profile on
 * files. Each input becomes DIR/&lt;file name&gt; in its own transfer syntax (encapsulated pixel data copied as-is);
 * an instance that may carry burned-in text is copied unchanged to DIR/quarantine/ with a .reason.txt beside it.
 *
 * <p>Exit status: 0 every file de-identified; 1 some file failed (one line each on stderr); 3 none failed but some
 * were quarantined (one line each on stderr); 2 usage or configuration error (no secret, unknown option).
 */
@Command(name = "deid", mixinStandardHelpOptions = true,
        description = "De-identify DICOM files (PS3.15 Annex E Basic Application Level Confidentiality Profile).")
public final class DeidCommand implements Callable<Integer> {
    static final int EXIT_QUARANTINED = 3;
    /** Publicly known, so pseudonyms made with it are reversible by anyone: demos and tests only. */
    static final String DEMO_SECRET = "distillery-insecure-demo-secret-do-not-use";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--option", split = ",", paramLabel = "OPTION",
            description = "Profile option, repeatable: retain-long-full-dates, retain-long-modified-dates, "
                    + "retain-patient-chars, retain-device-id, retain-institution-id, retain-uids, clean-descriptors, "
                    + "clean-structured-content, clean-graphics, retain-safe-private.")
    List<String> options = new ArrayList<>();

    @Option(names = "--secret-env", paramLabel = "VAR", defaultValue = DeidConfig.DEFAULT_SECRET_ENV,
            description = "Environment variable holding the project secret (default: ${DEFAULT-VALUE}).")
    String secretEnv;

    @Option(names = "--insecure-demo-secret",
            description = "Use a publicly known secret instead of the environment (demos only: pseudonyms reversible).")
    boolean demoSecret;

    @Option(names = "--allow-burned-in", description = "De-identify instead of quarantining instances that may "
            + "have burned-in annotation.")
    boolean allowBurnedIn;

    @Option(names = "--max-date-shift-days", defaultValue = "365", paramLabel = "N",
            description = "Range of the per-patient date shift of retain-long-modified-dates (default: ${DEFAULT-VALUE}).")
    int maxDateShiftDays;

    @Option(names = "--audit", description = "Also write DIR/<file name>.audit.txt: every action applied, by tag.")
    boolean audit;

    @Option(names = "--verbose", description = "Stack traces for failures.")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "DICOM files to de-identify.")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment the secret is read from; replaceable by in-process tests. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Deidentifier engine;
        try {
            engine = new Deidentifier(config(err));
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("deid: " + e.getMessage());
            return 2;
        }
        Path quarantineDir = out.resolve("quarantine");
        Set<String> namesUsed = new HashSet<>();
        int done = 0;
        int quarantined = 0;
        int failed = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                if (!namesUsed.add(name)) {
                    throw new IOException("another input of this run has the same file name; not overwriting it");
                }
                DicomFile in = DicomFile.read(file);
                DeidResult r = engine.deidentify(in.dataset(), in.fileMeta());
                if (r.quarantined()) {
                    Files.createDirectories(quarantineDir);
                    Files.copy(file, quarantineDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    Files.writeString(quarantineDir.resolve(name + ".reason.txt"), r.quarantineReason() + "\n",
                            StandardCharsets.UTF_8);
                    err.println("deid: " + file + ": quarantined: " + r.quarantineReason());
                    quarantined++;
                    continue;
                }
                Files.createDirectories(out);
                writeAtomically(out.resolve(name), new DicomFile(r.fileMeta(), r.dataset(), in.transferSyntax()));
                if (audit) {
                    List<String> lines = r.actions().stream().map(Object::toString).toList();
                    Files.write(out.resolve(name + ".audit.txt"), lines, StandardCharsets.UTF_8);
                }
                done++;
            } catch (IOException | RuntimeException e) {
                failed++;
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                err.println("deid: " + file + ": " + msg);
                if (verbose) {
                    e.printStackTrace(err);
                }
            }
        }
        stdout.println("deid: " + done + " de-identified, " + quarantined + " quarantined, " + failed + " failed");
        err.flush();
        stdout.flush();
        return failed > 0 ? 1 : quarantined > 0 ? EXIT_QUARANTINED : 0;
    }

    /** Writes beside the target and renames, so a crash never leaves a half-written de-identified file. */
    private static void writeAtomically(Path target, DicomFile deidentified) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".deid-", ".part");
        try {
            deidentified.write(tmp, deidentified.transferSyntax());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private DeidConfig config(PrintWriter err) {
        Set<DeidOption> opts = EnumSet.noneOf(DeidOption.class);
        for (String o : options) {
            opts.add(DeidOption.ofCliName(o.trim()));
        }
        byte[] secret;
        if (demoSecret) {
            err.println("deid: warning: using the public demo secret; pseudonyms and UIDs can be reversed by anyone");
            secret = DEMO_SECRET.getBytes(StandardCharsets.UTF_8);
        } else {
            secret = DeidConfig.secretFromEnvironment(environment, secretEnv);
        }
        return new DeidConfig(opts, new Pseudonymizer(secret), maxDateShiftDays, allowBurnedIn);
    }
}
