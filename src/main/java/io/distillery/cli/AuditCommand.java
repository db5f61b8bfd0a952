package io.distillery.cli;

import io.agroal.api.AgroalDataSource;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditTrail;
import io.distillery.store.StoreDataSources;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit}: export and verify the append-only audit trail of a store (embedded H2 or PostgreSQL). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The audit trail of the store: export as JSON lines, verify its hash chain.",
        subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Which store: the embedded folder or a JDBC URL (password from DISTILLERY_STORE_PASSWORD). */
    static final class StoreOptions {
        @Option(names = "--store", defaultValue = "data/store",
                description = "embedded store folder (default ${DEFAULT-VALUE}, as distillery.store.dir)") Path store;
        @Option(names = "--jdbc-url", description = "the store's database instead, e.g. jdbc:postgresql://db/distillery")
        String jdbcUrl;
        @Option(names = "--username", defaultValue = "distillery", description = "database user (default ${DEFAULT-VALUE})")
        String username;

        AgroalDataSource open() {
            if (jdbcUrl == null && !Files.isRegularFile(store.resolve("samples.mv.db"))) {
                throw new IllegalArgumentException(store + ": no store here (samples.mv.db missing)");
            }
            String url = jdbcUrl != null ? jdbcUrl : StoreDataSources.embeddedUrl(store);
            return StoreDataSources.pooled(url, username, System.getenv("DISTILLERY_STORE_PASSWORD"), 2);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every event as one JSON object per line (seq, time, actor, action, package_id,"
                    + " manifest_sha256, details, prev_hash, hash). The export is itself recorded.")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin StoreOptions store;
        @Option(names = "--out", description = "file to write (default: standard output)") Path out;
        @Option(names = "--actor", description = "who takes the copy (default: the operating-system user)")
        String actor;

        @Override
        public Integer call() throws Exception {
            try (AgroalDataSource ds = store.open()) {
                AuditTrail trail = new AuditTrail(ds);
                AuditTrail.Verification v = trail.verify();
                trail.record(actor != null ? actor : System.getProperty("user.name"), AuditAction.AUDIT_EXPORT,
                        Map.of("format", "jsonl", "via", "cli", "events", v.events(), "chain_intact", v.intact()));
                int n;
                if (out == null) {
                    Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                    n = trail.exportJsonLines(w);
                } else {
                    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                        n = trail.exportJsonLines(w);
                    }
                }
                PrintWriter err = spec.commandLine().getErr();
                err.println(n + " events exported; chain " + (v.intact() ? "intact, head " + v.headHash()
                        : "BROKEN: " + v.problem()));
                err.flush();
                return v.intact() ? 0 : 1;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute the hash chain; exit 0 if intact, 1 naming the first event that was changed,"
                    + " removed or reordered.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin StoreOptions store;

        @Override
        public Integer call() {
            try (AgroalDataSource ds = store.open()) {
                AuditTrail.Verification v = new AuditTrail(ds).verify();
                if (v.intact()) {
                    spec.commandLine().getOut().println(v.events() + " events, chain intact, head " + v.headHash());
                    spec.commandLine().getOut().flush();
                    return 0;
                }
                spec.commandLine().getErr().println("audit trail broken after " + v.events() + " events: "
                        + v.problem());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }
}
