package io.distillery.camel;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.net.DirectoryStorageHandler;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.QueryRetrieveScu;
import io.distillery.dicom.net.Status;
import io.distillery.dicom.net.StorageConfig;
import io.distillery.dicom.net.StorageService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * C-MOVE (to {@code destination}) or C-GET (instances written to {@code directory} as {@code <SOP Instance
 * UID>.dcm}, the body becomes their list) from {@code remote}. Header DicomSubOperations holds the completed, failed
 * and warning counts; anything but success with no failed sub-operation fails the exchange.
 */
class DicomRetrieveProducer extends DefaultProducer {
    private final DicomEndpoint endpoint;

    DicomRetrieveProducer(DicomEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        QueryRetrieveScu.Model model = QueryRetrieveScu.Model.valueOf(endpoint.getModel());
        var keys = DicomQueryKeys.identifier(endpoint, exchange);
        QueryRetrieveScu.RetrieveResult result;
        if (endpoint.getOperation() == DicomOperation.move) {
            if (endpoint.getDestination() == null) {
                throw new DicomException("dicom:move needs destination=AET");
            }
            result = QueryRetrieveScu.move(endpoint.clientConfig(), endpoint.remoteAe(), model, keys,
                    endpoint.getDestination());
        } else {
            if (endpoint.getDirectory() == null) {
                throw new DicomException("dicom:get needs directory=...");
            }
            Path dir = Files.createDirectories(Path.of(endpoint.getDirectory()));
            List<Path> written = Collections.synchronizedList(new ArrayList<>());
            DirectoryStorageHandler files = new DirectoryStorageHandler(dir, DuplicatePolicy.OVERWRITE, endpoint.isFsync());
            try (StorageService storage = new StorageService(
                    new StorageConfig(Files.createDirectories(dir.resolve(".spool")), endpoint.getMinFreeSpace(),
                            endpoint.isFsync()),
                    instance -> {
                        int status = files.onStored(instance);
                        if (status == Status.SUCCESS) {
                            written.add(dir.resolve(instance.sopInstance() + ".dcm"));
                        }
                        return status;
                    })) {
                result = QueryRetrieveScu.get(endpoint.clientConfig(), endpoint.remoteAe(), model, keys, storage,
                        QueryRetrieveScu.COMMON_STORAGE);
            }
            exchange.getMessage().setBody(new ArrayList<>(written));
        }
        exchange.getMessage().setHeader(DicomConstants.STATUS, result.status());
        exchange.getMessage().setHeader(DicomConstants.SUB_OPERATIONS,
                new int[] {result.completed(), result.failed(), result.warning()});
        if (!result.success()) {
            throw new DicomException("C-" + endpoint.getOperation().name().toUpperCase() + " from " + endpoint.getRemote()
                    + " ended with " + Status.toString(result.status()) + ": " + result.completed() + " completed, "
                    + result.failed() + " failed, " + result.warning() + " warning"
                    + (result.errorComment() == null ? "" : " (" + result.errorComment() + ")"));
        }
    }
}
