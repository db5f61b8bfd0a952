package io.distillery.dicom.net;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.EncapsulatedUncompressed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.distillery.dicom.TransferSyntax;

/**
 * Storage SCU: sends Part 10 files, each in its own transfer syntax, and reports per file what the peer answered.
 * Only a success status counts as stored; warnings and failures are reported as such. Datasets are streamed from
 * disk, never loaded whole.
 */
public final class StoreScu {
    /** At most 128 presentation contexts fit in one association (odd ids 1..255). */
    private static final int MAX_CONTEXTS = 128;

    private StoreScu() {
    }

    /** The outcome for one file: the DIMSE status when the peer answered (-1 when it never did) and why not stored. */
    public record Result(Path file, String sopInstance, int status, String problem) {
        public boolean stored() {
            return status == Status.SUCCESS;
        }

        public boolean warning() {
            return Status.isWarning(status);
        }

        public String describe() {
            if (stored()) {
                return "stored";
            }
            String s = status < 0 ? "not sent" : Status.toString(status);
            return problem == null ? s : s + ": " + problem;
        }
    }

    private record Item(Path file, FileMetaInfo meta) {
    }

    /** Sends every file; one association per batch of up to 128 distinct (SOP class, transfer syntax) pairs. */
    public static List<Result> store(ClientConfig config, RemoteAe remote, List<Path> files) {
        List<Result> results = new ArrayList<>();
        List<Item> batch = new ArrayList<>();
        Map<String, Integer> contexts = new LinkedHashMap<>();
        for (Path f : files) {
            FileMetaInfo meta;
            try {
                meta = withDatasetUids(f, FileMetaInfo.read(f));
            } catch (DicomException e) {
                results.add(new Result(f, null, -1, e.getMessage()));
                continue;
            }
            List<String> keys = contextKeys(meta);
            long added = keys.stream().filter(k -> !contexts.containsKey(k)).count();
            if (contexts.size() + added > MAX_CONTEXTS) {
                results.addAll(sendBatch(config, remote, batch, contexts));
                batch.clear();
                contexts.clear();
            }
            for (String k : keys) {
                contexts.putIfAbsent(k, 2 * contexts.size() + 1);
            }
            batch.add(new Item(f, meta));
        }
        if (!batch.isEmpty()) {
            results.addAll(sendBatch(config, remote, batch, contexts));
        }
        return results;
    }

    /** Marks the fallback context of a SOP class: Explicit and Implicit VR Little Endian. */
    private static final String UNCOMPRESSED = "uncompressed";

    /**
     * The file's own (SOP class, transfer syntax) and, when its dataset is not encapsulated and so can be rewritten
     * without a codec, a fallback context proposing Explicit and Implicit VR Little Endian.
     */
    private static List<String> contextKeys(FileMetaInfo m) {
        String exact = m.sopClass() + "|" + m.transferSyntax();
        boolean convertible = TransferSyntax.lookup(m.transferSyntax()).map(StoreScu::convertible).orElse(false);
        return convertible ? List.of(exact, m.sopClass() + "|" + UNCOMPRESSED) : List.of(exact);
    }

    /**
     * Uncompressed datasets, and those in Encapsulated Uncompressed (its frames are native bytes), can be rewritten
     * in Explicit or Implicit VR Little Endian without a codec: peers that predate 1.2.840.10008.1.2.1.98 get them so.
     */
    private static boolean convertible(TransferSyntax ts) {
        return !ts.encapsulated() || ts.equals(TransferSyntax.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /**
     * The command must name the SOP class and instance of the dataset itself (PS3.4 B.2), which in some files differ
     * from the file meta: those of the dataset win.
     */
    private static FileMetaInfo withDatasetUids(Path f, FileMetaInfo meta) {
        TransferSyntax ts = TransferSyntax.lookup(meta.transferSyntax()).orElse(null);
        if (ts == null) {
            return meta;
        }
        try (InputStream in = Files.newInputStream(f)) {
            in.skipNBytes(meta.datasetOffset());
            Map<Integer, String> v = DatasetWalker.head(in, ts, Set.of(Tag.SOPClassUID, Tag.SOPInstanceUID),
                    Tag.SOPInstanceUID);
            return new FileMetaInfo(v.getOrDefault(Tag.SOPClassUID, meta.sopClass()),
                    v.getOrDefault(Tag.SOPInstanceUID, meta.sopInstance()), meta.transferSyntax(),
                    meta.implementationClassUid(), meta.implementationVersionName(), meta.sourceAet(),
                    meta.datasetOffset());
        } catch (IOException e) {
            throw new DicomException(f + ": " + e.getMessage(), e);
        } catch (DicomException e) {
            throw new DicomException(f + ": " + e.getMessage(), e);
        }
    }

    private static List<Result> sendBatch(ClientConfig config, RemoteAe remote, List<Item> batch,
            Map<String, Integer> contexts) {
        List<PresentationContext> proposed = new ArrayList<>();
        contexts.forEach((key, id) -> {
            String[] parts = key.split("\\|");
            proposed.add(PresentationContext.proposed(id, parts[0], parts[1].equals(UNCOMPRESSED)
                    ? TransferCapability.UNCOMPRESSED : List.of(parts[1])));
        });
        List<Result> results = new ArrayList<>();
        Association as = null;
        String lastFailure = null;
        try {
            for (Item it : batch) {
                // A peer that aborts over one file (a failure reported for that file) gets a new association for the rest.
                if ((as == null || !as.isOpen()) && lastFailure == null) {
                    try {
                        as = Association.connect(config, remote, proposed, List.of(), new DimseServiceRegistry());
                    } catch (DicomNetworkException e) {
                        lastFailure = e.getMessage();
                    }
                }
                if (lastFailure != null) {
                    results.add(new Result(it.file, it.meta.sopInstance(), -1, lastFailure));
                    continue;
                }
                results.add(send(as, it, contexts.get(it.meta.sopClass() + "|" + it.meta.transferSyntax())));
            }
        } finally {
            if (as != null) {
                as.release();
            }
        }
        return results;
    }

    private static Result send(Association as, Item it, int proposedId) {
        FileMetaInfo m = it.meta;
        int pcid = as.findContext(m.sopClass(), List.of(m.transferSyntax()));
        if (pcid < 0) {
            int fallback = as.findContext(m.sopClass(), TransferCapability.UNCOMPRESSED);
            if (fallback > 0 && contextKeys(m).size() == 2) {
                return sendConverted(as, it, fallback);
            }
            String why = as.contextAnswers().stream()
                    .filter(pc -> pc.id() == proposedId)
                    .findFirst().map(pc -> PresentationContext.resultText(pc.result())).orElse("not accepted");
            return new Result(it.file, m.sopInstance(), -1, "peer did not accept " + m.sopClass() + " in transfer syntax "
                    + m.transferSyntax() + " (" + why + ")" + (contextKeys(m).size() == 1
                            ? "; an encapsulated dataset is not converted" : " nor in an uncompressed syntax"));
        }
        return sendBytes(as, it, pcid, it.file, m.datasetOffset());
    }

    /**
     * Rewrites the dataset in the accepted uncompressed syntax with the toolkit's reader and writer, through a
     * temporary file so that large instances are not held in memory twice.
     */
    private static Result sendConverted(Association as, Item it, int pcid) {
        Path tmp = null;
        try {
            DicomFile df = DicomFile.read(it.file);
            tmp = Files.createTempFile("store-scu-", ".dcm");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                Attributes dataset = df.transferSyntax().equals(
                        TransferSyntax.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN)
                        ? EncapsulatedUncompressed.unwrap(df.dataset()) : df.dataset();
                DicomWriter.writeDataset(out, dataset, TransferSyntax.of(as.transferSyntax(pcid)));
            }
            return sendBytes(as, it, pcid, tmp, 0);
        } catch (IOException | DicomException e) {
            return new Result(it.file, it.meta.sopInstance(), -1, "cannot convert to " + as.transferSyntax(pcid) + ": "
                    + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // A leftover temporary file is harmless.
                }
            }
        }
    }

    private static Result sendBytes(Association as, Item it, int pcid, Path source, long offset) {
        FileMetaInfo m = it.meta;
        Attributes rq = Dimse.request(Dimse.C_STORE_RQ, m.sopClass(), as.nextMessageId(), true);
        rq.setString(Tag.AffectedSOPInstanceUID, VR.UI, m.sopInstance());
        try (InputStream in = Files.newInputStream(source)) {
            in.skipNBytes(offset);
            long length = Files.size(source) - offset;
            DimseMessage rsp = as.invoke(pcid, rq, in, length, null);
            int status = rsp.status();
            return new Result(it.file, m.sopInstance(), status, status == Status.SUCCESS ? null
                    : rsp.command().getString(Tag.ErrorComment));
        } catch (IOException | DicomException e) {
            if (as.isOpen()) {
                as.abort();
            }
            return new Result(it.file, m.sopInstance(), -1, e.getMessage());
        }
    }
}
