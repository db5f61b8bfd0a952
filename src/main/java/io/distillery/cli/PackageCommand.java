package io.distillery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.distill.Metrics;
import io.distillery.share.PackageBuilder;
import io.distillery.share.PackageVerifier;
import io.distillery.share.SharePackage;
import io.distillery.share.SigningKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code package}: build, verify and audit shareable packages of a distillation run. */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = "Signed packages of a distillation run: build, verify, audit.",
        subcommands = {PackageCommand.Build.class, PackageCommand.Verify.class})
public final class PackageCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Package a distill --out folder: DICOM SC images, previews, model, signed manifest.")
    static final class Build implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--distilled", required = true, description = "distill --out folder") Path distilled;
        @Option(names = "--cohort", required = true, description = "the cohort npz the run was distilled from") Path cohort;
        @Option(names = "--out", required = true, description = "package folder to create") Path out;
        @Option(names = "--key", description = "Ed25519 private key file (PKCS#8; created with FILE.pub on first use; "
                + "default $DISTILLERY_SIGNING_KEY or ~/.distillery/signing.key)") Path key;
        @Option(names = "--provenance", description = "JSON object merged into the manifest's provenance "
                + "(e.g. source_modalities, time_window)") Path provenance;
        @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

        @Override
        public Integer call() throws IOException {
            JsonNode extra = provenance == null ? null : new ObjectMapper().readTree(provenance.toFile());
            SigningKeys keys = SigningKeys.loadOrCreate(key != null ? key : SigningKeys.defaultKeyFile());
            SharePackage p = PackageBuilder.build(distilled, cohort, out, keys, extra);
            PrintWriter o = spec.commandLine().getOut();
            o.println("package " + p.id() + " written to " + p.dir());
            o.println("manifest sha256 " + p.manifestSha256());
            o.println("signer fingerprint " + SigningKeys.fingerprint(keys.publicKey()));
            o.flush();
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check signature, hashes and file list; rebuild the model and measure it on --test.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "PATH", description = "package folder") Path dir;
        @Option(names = "--test", description = "npz whose test split measures the rebuilt model") Path test;
        @Option(names = "--trusted-key", description = "pinned signer public key (X.509 DER, e.g. the sender's "
                + "signing.key.pub); without it the package's own signer.pub is used and its fingerprint printed")
        Path trustedKey;
        @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

        @Override
        public Integer call() {
            PackageVerifier.Result r = PackageVerifier.verify(dir,
                    trustedKey == null ? null : SigningKeys.readPublic(trustedKey), test);
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter e = spec.commandLine().getErr();
            r.notes().forEach(n -> o.println("note: " + n));
            Metrics t = r.test();
            if (t != null) {
                o.printf(Locale.ROOT, "rebuilt model on %s: accuracy %.4f, sensitivity %.4f, specificity %.4f%n",
                        test.getFileName(), t.accuracy(), t.sensitivity(), t.specificity());
            }
            r.failures().forEach(f -> e.println("FAIL " + f));
            if (r.ok()) {
                o.println("verified package " + r.packageId() + " (manifest sha256 " + r.manifestSha256() + ")");
            }
            o.flush();
            e.flush();
            return r.ok() ? 0 : 1;
        }
    }
}
