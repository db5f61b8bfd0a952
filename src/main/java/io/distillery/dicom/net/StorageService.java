package io.distillery.dicom.net;

import io.distillery.dicom.Implementation;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Storage SCP that loses nothing: each instance streams to a spool file as its fragments arrive (Part 10 meta from
 * the command and the negotiated transfer syntax, then the dataset bytes as received) and through the structure
 * check at the same time, is fsynced (if configured), and handed to the {@link StorageHandler}; the C-STORE-RSP
 * reports the handler's verdict. An association that ends mid-instance leaves no spool file and calls no handler.
 */
public final class StorageService implements DimseService {
    private static final Logger LOG = Logger.getLogger(StorageService.class.getName());
    private static final Set<Integer> ROUTING_TAGS = Set.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
            Tag.SOPInstanceUID);

    private final StorageConfig config;
    private final StorageHandler handler;
    /** Looked up once: finding the file store parses the mount table, too slow to repeat per instance. */
    private final java.nio.file.FileStore spoolStore;
    private final SpoolFiles spoolFiles;
    /**
     * One write buffer per association thread (a sink lives and dies on the thread reading its association): no
     * 64 KiB allocation per instance, and direct, so the channel writes it without another copy.
     */
    private static final ThreadLocal<ByteBuffer> SPOOL_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(65536));

    public StorageService(StorageConfig config, StorageHandler handler) throws IOException {
        this.config = config;
        this.handler = handler;
        Files.createDirectories(config.spoolDirectory());
        this.spoolStore = Files.getFileStore(config.spoolDirectory());
        SpoolFiles.sweepOrphans(config.spoolDirectory());
        this.spoolFiles = new SpoolFiles(config.spoolDirectory(), config.spoolAhead());
    }

    /** Removes the spool files created ahead; instances being received keep theirs until they finish. */
    @Override
    public void close() {
        spoolFiles.close();
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
        int status = Status.PROCESSING_FAILURE;
        try {
            String iuid = rq.getString(Tag.AffectedSOPInstanceUID);
            String datasetIuid = spooled.values.get(Tag.SOPInstanceUID);
            if (datasetIuid != null && !datasetIuid.equals(iuid)) {
                return new Outcome(Status.DATASET_DOES_NOT_MATCH_SOP_CLASS,
                        "SOP Instance UID in dataset differs from the command");
            }
            StoredInstance si = new StoredInstance(file, spooled.size, rq.getString(Tag.AffectedSOPClassUID), iuid,
                    spooled.ts.uid(), spooled.values.get(Tag.StudyInstanceUID),
                    spooled.values.get(Tag.SeriesInstanceUID), association.callingAet(), association.calledAet(),
                    association.remoteAddress());
            try {
                status = handler.onStored(si);
                return new Outcome(status, null);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "storage handler failed for " + iuid, e);
                return new Outcome(Status.PROCESSING_FAILURE, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        } finally {
            try {
                if (status != Status.SUCCESS || !handler.movesFileOnSuccess()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                LOG.warning(() -> "cannot delete spool file " + file + ": " + e.getMessage());
            }
        }
    }

    /** What the sink hands over: the spool file and what the streaming check kept, or the status refusing it. */
    private record Spooled(Path file, long size, TransferSyntax ts, Map<Integer, String> values, int failureStatus,
            String problem) {
    }

    /**
     * Streams one instance to its spool file and through the structure check at once, so nothing is read back:
     * the Part 10 meta first, then the dataset bytes as received, written in 64 KiB blocks.
     */
    private final class SpoolSink implements DataSink {
        private final Association association;
        private Path file;
        private FileChannel channel;
        private final ByteBuffer buffer = SPOOL_BUFFER.get().clear();
        private long size;
        private TransferSyntax ts;
        private StreamingDatasetCheck check;
        private int failureStatus = Status.SUCCESS;
        private String problem;

        SpoolSink(Association association, int pcid, Attributes command) {
            this.association = association;
            String tsUid = association.transferSyntax(pcid);
            ts = TransferSyntax.lookup(tsUid).orElse(null);
            String cls = command.getString(Tag.AffectedSOPClassUID);
            String iuid = command.getString(Tag.AffectedSOPInstanceUID);
            if (ts == null || cls == null || iuid == null) {
                fail(Status.CANNOT_UNDERSTAND, "C-STORE-RQ without SOP class/instance UID or with unknown syntax");
                return;
            }
            check = new StreamingDatasetCheck(ts, ROUTING_TAGS);
            try {
                if (config.minFreeBytes() > 0 && spoolStore.getUsableSpace() < config.minFreeBytes()) {
                    fail(Status.OUT_OF_RESOURCES, "spool disk below its free-space floor");
                    return;
                }
                SpoolFiles.Opened spoolFile = spoolFiles.take();
                file = spoolFile.path();
                channel = spoolFile.channel();
                java.io.ByteArrayOutputStream meta = new java.io.ByteArrayOutputStream(512);
                new FileMetaInfo(cls, iuid, tsUid, Implementation.CLASS_UID, Implementation.VERSION_NAME,
                        association.callingAet(), 0).write(meta);
                put(meta.toByteArray(), 0, meta.size());
            } catch (IOException e) {
                fail(Status.OUT_OF_RESOURCES, "spool: " + e.getMessage());
            }
        }

        private void fail(int status, String why) {
            failureStatus = status;
            problem = why;
            discard();
        }

        private void put(byte[] b, int off, int len) throws IOException {
            size += len;
            while (len > 0) {
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
                if (!buffer.hasRemaining()) {
                    drain();
                }
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (channel == null) {
                return;
            }
            check.feed(bytes, offset, length);
            try {
                put(bytes, offset, length);
            } catch (IOException e) {
                fail(Status.OUT_OF_RESOURCES, "spool write: " + e.getMessage());
            }
        }

        @Override
        public Object finish() {
            Map<Integer, String> values = Map.of();
            if (channel != null) {
                try {
                    values = check.finish();
                    drain();
                    if (config.fsync()) {
                        // Data and size; the name becomes durable where the handler commits it.
                        channel.force(false);
                    }
                    channel.close();
                } catch (DicomException e) {
                    LOG.warning(() -> "C-STORE from " + association.callingAet() + " unreadable: " + e.getMessage());
                    fail(Status.CANNOT_UNDERSTAND, e.getMessage());
                } catch (IOException e) {
                    fail(Status.OUT_OF_RESOURCES, "spool flush: " + e.getMessage());
                }
            }
            return new Spooled(file, size, ts, values, failureStatus, problem);
        }

        @Override
        public void discard() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Deleting below is what matters.
                }
                channel = null;
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
