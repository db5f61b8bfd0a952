package io.distillery.dicom.net;

import io.distillery.dicom.Implementation;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Storage SCP that loses nothing: each instance streams to a spool file as its fragments arrive (Part 10 meta from
 * the command and the negotiated transfer syntax, then the dataset bytes as received), is checked for structure,
 * fsynced, and handed to the {@link StorageHandler}; the C-STORE-RSP reports the handler's verdict. An association
 * that ends mid-instance leaves no spool file and calls no handler.
 */
public final class StorageService implements DimseService {
    private static final Logger LOG = Logger.getLogger(StorageService.class.getName());
    private static final Set<Integer> ROUTING_TAGS = Set.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
            Tag.SOPInstanceUID);

    private final StorageConfig config;
    private final StorageHandler handler;
    /** Looked up once: finding the file store parses the mount table, too slow to repeat per instance. */
    private final java.nio.file.FileStore spoolStore;

    public StorageService(StorageConfig config, StorageHandler handler) throws IOException {
        this.config = config;
        this.handler = handler;
        Files.createDirectories(config.spoolDirectory());
        this.spoolStore = Files.getFileStore(config.spoolDirectory());
    }

    @Override
    public boolean handles(int commandField, String sopClass) {
        return commandField == Dimse.C_STORE_RQ;
    }

    @Override
    public DataSink openDataSink(Association association, int pcid, Attributes command) {
        return new SpoolSink(association, pcid, command);
    }

    @Override
    public void onRequest(Association association, DimseMessage request) throws IOException {
        Attributes rq = request.command();
        Spooled spooled = (Spooled) request.data();
        int status;
        String comment = null;
        if (spooled.failureStatus != Status.SUCCESS) {
            status = spooled.failureStatus;
            comment = spooled.problem;
        } else {
            Outcome o = deliver(association, rq, spooled);
            status = o.status;
            comment = o.comment;
        }
        Attributes rsp = Dimse.response(rq, status, false);
        if (comment != null) {
            rsp.setString(Tag.ErrorComment, VR.LO, comment.length() > 64 ? comment.substring(0, 64) : comment);
        }
        association.send(request.pcid(), rsp, null);
    }

    private record Outcome(int status, String comment) {
    }

    private Outcome deliver(Association association, Attributes rq, Spooled spooled) {
        Path file = spooled.file;
        try {
            String iuid = rq.getString(Tag.AffectedSOPInstanceUID);
            Map<Integer, String> values;
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(spooled.datasetOffset);
                values = DatasetWalker.walk(in, spooled.ts, ROUTING_TAGS);
            } catch (DicomException e) {
                LOG.warning(() -> "C-STORE " + iuid + " from " + association.callingAet() + " unreadable: " + e.getMessage());
                return new Outcome(Status.CANNOT_UNDERSTAND, e.getMessage());
            }
            String datasetIuid = values.get(Tag.SOPInstanceUID);
            if (datasetIuid != null && !datasetIuid.equals(iuid)) {
                return new Outcome(Status.DATASET_DOES_NOT_MATCH_SOP_CLASS,
                        "SOP Instance UID in dataset differs from the command");
            }
            StoredInstance si = new StoredInstance(file, Files.size(file), rq.getString(Tag.AffectedSOPClassUID), iuid,
                    spooled.ts.uid(), values.get(Tag.StudyInstanceUID), values.get(Tag.SeriesInstanceUID),
                    association.callingAet(), association.calledAet(), association.remoteAddress());
            try {
                return new Outcome(handler.onStored(si), null);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "storage handler failed for " + iuid, e);
                return new Outcome(Status.PROCESSING_FAILURE, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        } catch (IOException e) {
            return new Outcome(Status.OUT_OF_RESOURCES, "spool: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warning(() -> "cannot delete spool file " + file + ": " + e.getMessage());
            }
        }
    }

    /** What the sink hands over: the spool file, or the status that refuses the instance. */
    private record Spooled(Path file, long datasetOffset, TransferSyntax ts, int failureStatus, String problem) {
    }

    private final class SpoolSink implements DataSink {
        private Path file;
        private FileOutputStream fileOut;
        private BufferedOutputStream out;
        private long datasetOffset;
        private TransferSyntax ts;
        private int failureStatus = Status.SUCCESS;
        private String problem;

        SpoolSink(Association association, int pcid, Attributes command) {
            String tsUid = association.transferSyntax(pcid);
            ts = TransferSyntax.lookup(tsUid).orElse(null);
            String cls = command.getString(Tag.AffectedSOPClassUID);
            String iuid = command.getString(Tag.AffectedSOPInstanceUID);
            if (ts == null || cls == null || iuid == null) {
                fail(Status.CANNOT_UNDERSTAND, "C-STORE-RQ without SOP class/instance UID or with unknown syntax");
                return;
            }
            try {
                if (config.minFreeBytes() > 0 && spoolStore.getUsableSpace() < config.minFreeBytes()) {
                    fail(Status.OUT_OF_RESOURCES, "spool disk below its free-space floor");
                    return;
                }
                file = Files.createTempFile(config.spoolDirectory(), "rx-", ".part");
                fileOut = new FileOutputStream(file.toFile());
                out = new BufferedOutputStream(fileOut, 65536);
                FileMetaInfo meta = new FileMetaInfo(cls, iuid, tsUid, Implementation.CLASS_UID,
                        Implementation.VERSION_NAME, association.callingAet(), 0);
                java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream(256);
                meta.write(header);
                header.writeTo(out);
                datasetOffset = header.size();
            } catch (IOException e) {
                fail(Status.OUT_OF_RESOURCES, "spool: " + e.getMessage());
            }
        }

        private void fail(int status, String why) {
            failureStatus = status;
            problem = why;
            discard();
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            if (out == null) {
                return;
            }
            try {
                out.write(buffer, offset, length);
            } catch (IOException e) {
                fail(Status.OUT_OF_RESOURCES, "spool write: " + e.getMessage());
            }
        }

        @Override
        public Object finish() {
            if (out != null) {
                try {
                    out.flush();
                    if (config.fsync()) {
                        fileOut.getFD().sync();
                    }
                    out.close();
                } catch (IOException e) {
                    fail(Status.OUT_OF_RESOURCES, "spool flush: " + e.getMessage());
                }
            }
            return new Spooled(file, datasetOffset, ts, failureStatus, problem);
        }

        @Override
        public void discard() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    // Deleting below is what matters.
                }
                out = null;
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warning(() -> "cannot delete partial spool file " + file + ": " + e.getMessage());
                }
                file = null;
            }
        }
    }
}
