package io.distillery.cli;

import io.agroal.api.AgroalDataSource;
import io.distillery.outbound.DeliveryLedger;
import io.distillery.outbound.DeliveryRecord;
import io.distillery.outbound.DeliveryStatus;
import io.distillery.store.StoreDataSources;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The outbound delivery ledger for an administrator: what went where, and putting dead letters back in line. */
@Command(name = "outbound", mixinStandardHelpOptions = true,
        description = "Deliveries of approved packages per destination (see docs/outbound.md).",
        subcommands = {OutboundCommand.ListDeliveries.class, OutboundCommand.Requeue.class})
public final class OutboundCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Which database: the gateway's embedded store, or its PostgreSQL (password from the environment). */
    static final class Database {
        @Option(names = "--store", defaultValue = "data/store",
                description = "embedded store folder, as distillery.store.dir (default ${DEFAULT-VALUE})")
        Path store;

        @Option(names = "--jdbc-url", description = "the store's PostgreSQL instead, as distillery.store.jdbc-url;"
                + " password from DISTILLERY_STORE_PASSWORD")
        String jdbcUrl;

        @Option(names = "--username", defaultValue = "distillery", description = "default ${DEFAULT-VALUE}")
        String username;

        AgroalDataSource open() {
            String url = jdbcUrl != null ? jdbcUrl : StoreDataSources.embeddedUrl(store);
            return StoreDataSources.pooled(url, username, System.getenv("DISTILLERY_STORE_PASSWORD"), 2);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per delivery: destination, status, package, manifest, attempts, last error.")
    static final class ListDeliveries implements Callable<Integer> {
        @Mixin
        Database database = new Database();

        @Option(names = "--status", description = "only PENDING, DELIVERED or DEAD")
        DeliveryStatus status;

        @Override
        public Integer call() {
            try (AgroalDataSource db = database.open()) {
                for (DeliveryRecord r : new DeliveryLedger(db).list()) {
                    if (status == null || r.status() == status) {
                        System.out.println(String.join("\t", r.destination(), r.status().name(), r.packageId(),
                                r.manifestSha256().substring(0, 12), "attempts=" + r.attempts(),
                                r.lastError() == null ? "" : r.lastError()));
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = "Put dead letters back in line with fresh attempts, once their cause is fixed.")
    static final class Requeue implements Callable<Integer> {
        @Mixin
        Database database = new Database();

        @Option(names = "--destination", required = true, description = "folder, cstore, stow, s3 or sftp")
        String destination;

        @Parameters(arity = "1..*", paramLabel = "PACKAGE_ID")
        List<String> packageIds;

        @Override
        public Integer call() {
            int failed = 0;
            try (AgroalDataSource db = database.open()) {
                DeliveryLedger ledger = new DeliveryLedger(db);
                List<DeliveryRecord> rows = ledger.list();
                for (String id : packageIds) {
                    boolean done = false;
                    for (DeliveryRecord r : rows) {
                        if (r.packageId().equals(id) && r.destination().equals(destination)
                                && r.status() == DeliveryStatus.DEAD) {
                            done |= ledger.requeue(id, r.manifestSha256(), destination);
                        }
                    }
                    if (done) {
                        System.out.println(id + ": requeued for " + destination);
                    } else {
                        System.err.println(id + ": no dead letter for " + destination);
                        failed++;
                    }
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }
}
