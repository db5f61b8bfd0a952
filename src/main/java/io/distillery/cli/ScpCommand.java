package io.distillery.cli;

import io.distillery.dicom.net.AccessControl;
import io.distillery.dicom.net.Association;
import io.distillery.dicom.net.AssociateReject;
import io.distillery.dicom.net.AssociateRequest;
import io.distillery.dicom.net.AssociationListener;
import io.distillery.dicom.net.DicomServer;
import io.distillery.dicom.net.DimseServiceRegistry;
import io.distillery.dicom.net.DirectoryStorageHandler;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.ServerConfig;
import io.distillery.dicom.net.StorageConfig;
import io.distillery.dicom.net.StorageService;
import io.distillery.dicom.net.TransferCapability;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dicom scp}: a Storage and Verification SCP writing each received instance as DIR/<SOP Instance UID>.dcm. */
@Command(name = "scp", mixinStandardHelpOptions = true,
        description = "Receive DICOM instances (C-STORE) into a directory, as <SOP Instance UID>.dcm; answers C-ECHO.")
public final class ScpCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions net;

    @Option(names = "--port", required = true, description = "TCP port to listen on.")
    int port;

    @Option(names = "--dir", required = true, description = "Directory receiving the instances.")
    Path dir;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--allow-aet", split = ",", description = "Calling AE titles allowed (default: any).")
    List<String> allowAets = List.of();

    @Option(names = "--allow-host", split = ",", description = "Remote address ranges (CIDR) allowed (default: any).")
    List<String> allowHosts = List.of();

    @Option(names = "--duplicates", defaultValue = "OVERWRITE",
            description = "Same SOP Instance UID again: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DuplicatePolicy duplicates;

    @Option(names = "--min-free-mb", defaultValue = "512",
            description = "Answer out-of-resources below this much free disk (default: ${DEFAULT-VALUE}).")
    long minFreeMb;

    @Option(names = "--transfer-syntax", split = ",", paramLabel = "UID",
            description = "Transfer syntaxes accepted, any order (default: every one the toolkit knows); of those a"
                    + " sender proposes, its first is taken.")
    List<String> transferSyntaxes = List.of();

    @Option(names = "--no-fsync", description = "Skip fsync of each instance (faster, not crash-safe).")
    boolean noFsync;

    @Option(names = "--tls-client-auth", description = "With TLS: require a client certificate from the trust store.")
    boolean clientAuth;

    @Override
    public Integer call() throws Exception {
        boolean fsync = !noFsync;
        // Spooling in the target directory keeps the commit a same-directory rename: a rename across directories takes
        // the file system-wide rename lock, which serialised concurrent associations.
        StorageConfig storage = new StorageConfig(dir, minFreeMb * 1024 * 1024, fsync);
        DimseServiceRegistry services = new DimseServiceRegistry()
                .add(new StorageService(storage, new DirectoryStorageHandler(dir, duplicates, fsync)));
        ServerConfig config = ServerConfig.builder(net.aet).bindAddress(bind).port(port)
                .accept(TransferCapability.storage(transferSyntaxes))
                .access(new AccessControl(Set.copyOf(allowAets), allowHosts, true))
                .idleTimeoutMillis(net.timeoutSeconds * 1000)
                .tls(net.tls(clientAuth)).build();
        CountDownLatch stopped = new CountDownLatch(1);
        try (DicomServer server = DicomServer.start(config, services, new Log())) {
            // The JVM does not wait for this thread once shutdown starts: the hook itself closes the server, so that
            // open associations are aborted and the spool files created ahead are removed.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }));
            System.out.println("listening as " + net.aet + " on " + bind + ":" + server.port() + ", storing into " + dir);
            System.out.flush();
            stopped.await();
        }
        return 0;
    }

    /** One line per refused or failed association on stderr, so an operator sees why a sender was turned away. */
    private static final class Log implements AssociationListener {
        @Override
        public void onRejected(AssociateRequest request, InetAddress from, AssociateReject reject) {
            System.err.println("rejected " + request.callingAet() + "@" + from.getHostAddress() + ": " + reject.describe());
        }

        @Override
        public void onProtocolError(InetAddress from, String problem) {
            System.err.println("aborted connection from " + from.getHostAddress() + ": " + problem);
        }

        @Override
        public void onClosed(Association association, Exception failure) {
            if (failure != null) {
                System.err.println("association " + association + " ended: " + failure.getMessage());
            }
        }
    }
}
