package io.distillery.camel;

import io.distillery.dicom.net.AssociationListener;
import io.distillery.dicom.net.DicomServer;
import io.distillery.dicom.net.DirectorySync;
import io.distillery.dicom.net.DimseServiceRegistry;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.ServerConfig;
import io.distillery.dicom.net.Status;
import io.distillery.dicom.net.StorageConfig;
import io.distillery.dicom.net.StorageHandler;
import io.distillery.dicom.net.StorageService;
import io.distillery.dicom.net.StoredInstance;
import io.distillery.dicom.net.TransferCapability;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage SCP (and Verification SCP): every received instance is spooled to disk by the network layer, then routed
 * as one exchange, synchronously, on the association's thread. The C-STORE response is sent only when the exchange
 * has completed: success if the route finished without exception, otherwise a failure status, so an instance is
 * never acknowledged unless the route durably took it (its last step must write it somewhere lasting). With fsync on,
 * a file a file: step wrote (header CamelFileNameProduced) is forced to disk with its directory entry first, since
 * Camel's file producer does not sync a copied or renamed file. With moveSpoolFile, that step renames the spool file
 * into place (header CamelFileLocalWorkPath) instead of copying it.
 */
public class DicomScpConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(DicomScpConsumer.class);
    /** Failure status for a route that failed: "cannot understand" family, PS3.4 B.2.3. */
    static final int ROUTE_FAILED = Status.CANNOT_UNDERSTAND;

    /** Most directories a route writes to, each with its shared (group commit) directory fsync. */
    private static final int SYNCED_DIRECTORIES = 256;

    private final DicomEndpoint endpoint;
    private IdempotentRepository accepted;
    private DicomServer server;
    /** The gateway's metrics and audit (from the registry), or null. */
    private AssociationListener listener;
    private final Map<Path, DirectorySync> producedDirectories = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Path, DirectorySync> eldest) {
                    return size() > SYNCED_DIRECTORIES;
                }
            });

    public DicomScpConsumer(DicomEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (endpoint.getSpoolDirectory() == null) {
            throw new IllegalArgumentException("dicom:scp needs spoolDirectory=...");
        }
        DuplicatePolicy policy = endpoint.getDuplicatePolicy();
        if (policy == DuplicatePolicy.KEEP_EXISTING || policy == DuplicatePolicy.REJECT) {
            accepted = endpoint.getIdempotentRepository() != null ? endpoint.getIdempotentRepository()
                    : MemoryIdempotentRepository.memoryIdempotentRepository(10_000);
            ServiceHelper.startService(accepted);
        }
        Path spool = Files.createDirectories(Path.of(endpoint.getSpoolDirectory()));
        StorageConfig storage = new StorageConfig(spool, endpoint.getMinFreeSpace(), endpoint.isFsync());
        ServerConfig config = ServerConfig.builder(endpoint.getAet())
                .bindAddress(endpoint.getBindAddress())
                .port(endpoint.getPort())
                .accept(TransferCapability.storage(endpoint.transferSyntaxList()))
                .access(endpoint.accessControl())
                .maxPduLength(endpoint.getMaxPduLength())
                .maxAssociations(endpoint.getMaxAssociations())
                .idleTimeoutMillis(endpoint.getIdleTimeout())
                .tls(endpoint.tlsConfig())
                .build();
        // An AssociationListener in the registry (the gateway's metrics) hears of refused and failed associations.
        listener = endpoint.getCamelContext().getRegistry().findSingleByType(AssociationListener.class);
        StorageHandler routing = new StorageHandler() {
            @Override
            public int onStored(StoredInstance instance) {
                return DicomScpConsumer.this.onStored(instance);
            }

            /** On success the spool file is gone: the route's file: step renamed it, or onStored deleted it. */
            @Override
            public boolean movesFileOnSuccess() {
                return true;
            }
        };
        server = DicomServer.start(config, new DimseServiceRegistry().add(new StorageService(storage, routing)), listener);
        LOG.info("DICOM SCP {} listening on {}:{}", endpoint.getAet(), endpoint.getBindAddress(), server.port());
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
        if (accepted != null && accepted != endpoint.getIdempotentRepository()) {
            ServiceHelper.stopService(accepted);
        }
        super.doStop();
    }

    /** The port actually bound (useful with port=0). */
    public int getLocalPort() {
        return server == null ? -1 : server.port();
    }

    /** Routes one spooled instance and answers with the status the sender will see. */
    private int onStored(StoredInstance instance) {
        if (accepted != null && accepted.contains(instance.sopInstance())) {
            LOG.info("duplicate SOP instance {} from {}: {}", instance.sopInstance(), instance.callingAet(),
                    endpoint.getDuplicatePolicy());
            if (listener != null) {
                listener.onDuplicateNotHandedOn(instance, endpoint.getDuplicatePolicy());
            }
            return endpoint.getDuplicatePolicy() == DuplicatePolicy.REJECT ? Status.DUPLICATE_SOP_INSTANCE
                    : Status.WARNING_ELEMENTS_DISCARDED;
        }
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(instance.file().toFile());
            if (endpoint.isMoveSpoolFile()) {
                in.setHeader(Exchange.FILE_LOCAL_WORK_PATH, instance.file().toString());
            }
            in.setHeader(DicomConstants.SOP_CLASS_UID, instance.sopClass());
            in.setHeader(DicomConstants.SOP_INSTANCE_UID, instance.sopInstance());
            in.setHeader(DicomConstants.STUDY_INSTANCE_UID, instance.studyInstanceUid());
            in.setHeader(DicomConstants.SERIES_INSTANCE_UID, instance.seriesInstanceUid());
            in.setHeader(DicomConstants.CALLING_AET, instance.callingAet());
            in.setHeader(DicomConstants.CALLED_AET, instance.calledAet());
            in.setHeader(DicomConstants.REMOTE_ADDRESS, instance.remoteAddress().getAddress().getHostAddress() + ":"
                    + instance.remoteAddress().getPort());
            in.setHeader(DicomConstants.TRANSFER_SYNTAX_UID, instance.transferSyntax());
            in.setHeader(DicomConstants.FILE_SIZE, instance.size());
            try {
                getProcessor().process(exchange);
                if (endpoint.isFsync() && exchange.getException() == null && !exchange.isRollbackOnly()) {
                    syncProducedFile(exchange);
                }
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            if (failure != null || exchange.isRollbackOnly()) {
                getExceptionHandler().handleException("route failed for SOP instance " + instance.sopInstance()
                        + " from " + instance.callingAet() + "; answering failure", exchange, failure);
                return isOutOfSpace(failure) ? Status.OUT_OF_RESOURCES : ROUTE_FAILED;
            }
            if (accepted != null) {
                accepted.add(instance.sopInstance());
            }
            if (!spoolFileRenamedByRoute(exchange)) {
                deleteSpoolFile(instance.file());
            }
            return Status.SUCCESS;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    /** Forces the file a file: step of the route wrote, then its directory entry (shared with concurrent senders). */
    private void syncProducedFile(Exchange exchange) throws IOException {
        String produced = exchange.getMessage().getHeader(Exchange.FILE_NAME_PRODUCED, String.class);
        if (produced == null) {
            return;
        }
        Path file = Path.of(produced).toAbsolutePath();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(false);
        }
        producedDirectories.computeIfAbsent(file.getParent(), DirectorySync::new).awaitDurable();
    }

    /**
     * True when the route's file: step renamed the spool file into place: Camel's file producer sets the header it
     * renamed from (CamelFileLocalWorkPath) to null after the rename. A route that removed the header, or never
     * wrote the file, leaves it absent or set, and the spool file is deleted as usual.
     */
    private boolean spoolFileRenamedByRoute(Exchange exchange) {
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        return endpoint.isMoveSpoolFile() && headers.containsKey(Exchange.FILE_LOCAL_WORK_PATH)
                && headers.get(Exchange.FILE_LOCAL_WORK_PATH) == null;
    }

    /** The route succeeded, so the instance is safe elsewhere; a spool file that cannot be deleted is only garbage. */
    private static void deleteSpoolFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete spool file {}: {}", file, e.getMessage());
        }
    }

    private static boolean isOutOfSpace(Throwable t) {
        for (; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("No space left")) {
                return true;
            }
        }
        return false;
    }
}
