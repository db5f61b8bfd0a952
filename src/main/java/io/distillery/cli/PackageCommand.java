package io.distillery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.distill.Metrics;
import io.distillery.share.PackageBuilder;
import io.distillery.share.PackageVerifier;
import io.distillery.share.PrivacyAudit;
import io.distillery.share.SourceIdentifiers;
import io.distillery.share.SharePackage;
import io.distillery.share.SigningKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code package}: build, verify and audit shareable packages of a distillation run. */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = "Signed packages of a distillation run: build, verify, audit.",
        subcommands = {PackageCommand.Build.class, PackageCommand.Verify.class, PackageCommand.Audit.class})
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
        @CommandLine.Mixin AuditOptions audit;
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
            // every package is audited before anyone reviews it; the verdict gates review, not the build
            audit.run(p.dir(), cohort, o);
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
            if (r.dl4jTestAccuracy() != null) {
                o.printf(Locale.ROOT, "shipped DL4J model on %s: accuracy %.4f%n", test.getFileName(),
                        r.dl4jTestAccuracy());
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

    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Privacy audit of a package against its source cohort: identifier byte scan, nearest "
                    + "real neighbours (SSIM, NCC) with a held-out yardstick, membership inference; writes "
                    + "audit.json and report.html. Exit 0 on PASS, 2 on REVIEW, 3 on FAIL.")
    static final class Audit implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "PATH", description = "package folder") Path dir;
        @Option(names = "--cohort", required = true, description = "the cohort npz the run was distilled from") Path cohort;
        @CommandLine.Mixin AuditOptions audit;
        @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

        @Override
        public Integer call() throws IOException {
            return audit.run(dir, cohort, spec.commandLine().getOut());
        }
    }

    /** Options shared by {@code build} (which audits every package it makes) and {@code audit}. */
    static final class AuditOptions {
        @Option(names = "--audit-out", description = "folder for audit.json and report.html, outside the package "
                + "(default: PATH-audit beside it)") Path auditOut;
        @Option(names = "--identifiers", description = "file of identifying values of the source cohort, one per line")
        Path identifiers;
        @Option(names = "--source-dicom", description = "folder of the source DICOM files; their identifying header "
                + "values are added to the scan") Path sourceDicom;
        @Option(names = "--ssim-fail", defaultValue = "0.95", description = "near-copy SSIM threshold") double ssimFail;
        @Option(names = "--ncc-fail", defaultValue = "0.98", description = "near-copy NCC threshold") double nccFail;
        @Option(names = "--mia-review", defaultValue = "0.60", description = "membership AUC that asks for review")
        double miaReview;
        @Option(names = "--held-out", defaultValue = "200", description = "held-out images in the yardstick") int heldOut;
        @Option(names = "--attack-size", defaultValue = "1000", description = "members and non-members in the attack")
        int attackSize;

        int run(Path pkg, Path cohort, PrintWriter o) throws IOException {
            Set<String> ids = new LinkedHashSet<>();
            if (identifiers != null) {
                ids.addAll(SourceIdentifiers.fromFile(identifiers));
            }
            if (sourceDicom != null) {
                ids.addAll(SourceIdentifiers.fromDicom(sourceDicom));
            }
            Path out = auditOut != null ? auditOut
                    : pkg.toAbsolutePath().normalize().resolveSibling(pkg.toAbsolutePath().normalize().getFileName() + "-audit");
            PrivacyAudit.Result r = PrivacyAudit.run(pkg, cohort, ids,
                    new PrivacyAudit.Config(ssimFail, nccFail, miaReview, heldOut, attackSize, 0), out);
            if (ids.isEmpty()) {
                o.println("warning: no identifying values given (--identifiers, --source-dicom): byte scan skipped");
            }
            o.println("audit " + r.verdict() + ": " + out.resolve("report.html"));
            r.reasons().forEach(s -> o.println("  " + s));
            o.printf(Locale.ROOT, "  membership inference AUC %.3f%n", r.membership().auc());
            o.flush();
            return switch (r.verdict()) {
                case PASS -> 0;
                case REVIEW -> 2;
                case FAIL -> 3;
            };
        }
    }
}
