package io.distillery.review.web;

import io.distillery.share.PrivacyAudit;
import io.distillery.share.SharePackage;
import io.distillery.testsupport.DistilledRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Real packages for the review page: signed packages of the shared test distillation ({@link DistilledRun}), each
 * privacy-audited into its {@code PATH-audit} folder exactly as {@code package build} does.
 */
final class ReviewFixture {
    private static ReviewFixture instance;
    private final DistilledRun run;
    private int packages;

    /** A package with its audit verdict. */
    record Audited(SharePackage pkg, String verdict) {}

    private ReviewFixture(DistilledRun run) {
        this.run = run;
    }

    static synchronized ReviewFixture get() throws IOException {
        if (instance == null) {
            instance = new ReviewFixture(DistilledRun.get());
        }
        return instance;
    }

    synchronized Audited build() throws IOException {
        SharePackage pkg = run.build("review-" + (++packages));
        Path dir = pkg.dir();
        PrivacyAudit.Result r = PrivacyAudit.run(dir, run.cohort, List.of("DOE^JANE", "PAT-0001"),
                new PrivacyAudit.Config(0.95, 0.98, 0.60, 50, 100, 0),
                dir.resolveSibling(dir.getFileName() + "-audit"));
        return new Audited(pkg, r.verdict().name());
    }
}
