package io.distillery.dicom.net;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomReader;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Query/Retrieve SCU (PS3.4 C): C-FIND, C-MOVE and C-GET in the Patient Root or Study Root model. Identifiers are
 * encoded with the toolkit's dataset writer in the negotiated transfer syntax; every pending C-FIND match is
 * returned, and retrieves report the sub-operation counts of the final response.
 */
public final class QueryRetrieveScu {
    /** The information model: which SOP classes carry FIND, MOVE and GET. */
    public enum Model {
        PATIENT_ROOT(SopClasses.PATIENT_ROOT_QR_FIND, SopClasses.PATIENT_ROOT_QR_MOVE, SopClasses.PATIENT_ROOT_QR_GET),
        STUDY_ROOT(SopClasses.STUDY_ROOT_QR_FIND, SopClasses.STUDY_ROOT_QR_MOVE, SopClasses.STUDY_ROOT_QR_GET);

        final String find;
        final String move;
        final String get;

        Model(String find, String move, String get) {
            this.find = find;
            this.move = move;
            this.get = get;
        }
    }

    /** Storage SOP classes proposed for C-GET when the caller names none: the common image and document classes. */
    public static final List<String> COMMON_STORAGE = List.of(
            "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.4",
            "1.2.840.10008.5.1.4.1.1.4.1", "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1",
            "1.2.840.10008.5.1.4.1.1.1.2", "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.3.1",
            "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.7.2", "1.2.840.10008.5.1.4.1.1.7.3",
            "1.2.840.10008.5.1.4.1.1.7.4", "1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.20",
            "1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.481.1", "1.2.840.10008.5.1.4.1.1.481.2",
            "1.2.840.10008.5.1.4.1.1.481.3", "1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.88.11",
            "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.1.1.88.33", "1.2.840.10008.5.1.4.1.1.104.1",
            "1.2.840.10008.5.1.4.1.1.66.4", "1.2.840.10008.5.1.4.1.1.11.1");

    private QueryRetrieveScu() {
    }

    /** Outcome of C-MOVE or C-GET: final status and sub-operation counts (-1 when the peer did not send one). */
    public record RetrieveResult(int status, int completed, int failed, int warning, String errorComment) {
        public boolean success() {
            return status == Status.SUCCESS && failed <= 0;
        }
    }

    /** C-FIND: every match of {@code keys} (which must carry QueryRetrieveLevel). A failure status is an exception. */
    public static List<Attributes> find(ClientConfig config, RemoteAe remote, Model model, Attributes keys) {
        List<Attributes> matches = new ArrayList<>();
        Association as = open(config, remote, model.find, List.of(), List.of());
        try {
            int pcid = requireContext(as, model.find, remote);
            String ts = as.transferSyntax(pcid);
            Attributes rq = Dimse.request(Dimse.C_FIND_RQ, model.find, as.nextMessageId(), true);
            DimseMessage fin = as.invoke(pcid, rq, encode(keys, ts), rsp -> {
                if (Status.isPending(rsp.status()) && rsp.dataBytes() != null) {
                    matches.add(decode(rsp.dataBytes(), ts));
                }
            });
            if (fin.status() != Status.SUCCESS) {
                throw new DicomNetworkException("C-FIND at " + remote + " ended with " + Status.toString(fin.status())
                        + comment(fin));
            }
            return matches;
        } catch (IOException e) {
            throw new DicomNetworkException("C-FIND at " + remote + " failed: " + Association.describe(e), e);
        } finally {
            as.release();
        }
    }

    /** C-MOVE of what {@code keys} select to the AE titled {@code destination} (which the peer must know). */
    public static RetrieveResult move(ClientConfig config, RemoteAe remote, Model model, Attributes keys,
            String destination) {
        Association as = open(config, remote, model.move, List.of(), List.of());
        try {
            int pcid = requireContext(as, model.move, remote);
            Attributes rq = Dimse.request(Dimse.C_MOVE_RQ, model.move, as.nextMessageId(), true);
            rq.setString(Tag.MoveDestination, VR.AE, destination);
            return result(as.invoke(pcid, rq, encode(keys, as.transferSyntax(pcid)), null));
        } catch (IOException e) {
            throw new DicomNetworkException("C-MOVE at " + remote + " failed: " + Association.describe(e), e);
        } finally {
            as.release();
        }
    }

    /**
     * C-GET: the peer sends the selected instances back on the same association, as C-STORE sub-operations that
     * {@code storage} receives (spooled, checked and handed to its handler like any other C-STORE). We propose the
     * SCP role for {@code storageClasses} in Explicit and Implicit VR Little Endian.
     */
    public static RetrieveResult get(ClientConfig config, RemoteAe remote, Model model, Attributes keys,
            StorageService storage, List<String> storageClasses) {
        List<PresentationContext> extra = new ArrayList<>();
        List<RoleSelection> roles = new ArrayList<>();
        for (String cls : storageClasses) {
            extra.add(PresentationContext.proposed(0, cls, TransferCapability.UNCOMPRESSED));
            roles.add(new RoleSelection(cls, false, true));
        }
        Association as = open(config, remote, model.get, extra, roles, storage);
        try {
            int pcid = requireContext(as, model.get, remote);
            Attributes rq = Dimse.request(Dimse.C_GET_RQ, model.get, as.nextMessageId(), true);
            return result(as.invoke(pcid, rq, encode(keys, as.transferSyntax(pcid)), null));
        } catch (IOException e) {
            throw new DicomNetworkException("C-GET at " + remote + " failed: " + Association.describe(e), e);
        } finally {
            as.release();
        }
    }

    private static Association open(ClientConfig config, RemoteAe remote, String sopClass,
            List<PresentationContext> extra, List<RoleSelection> roles, DimseService... services) {
        List<PresentationContext> proposed = new ArrayList<>();
        proposed.add(PresentationContext.proposed(1, sopClass, TransferCapability.UNCOMPRESSED));
        int id = 3;
        for (PresentationContext pc : extra) {
            if (id > 255) {
                throw new DicomException("too many presentation contexts (at most 128)");
            }
            proposed.add(PresentationContext.proposed(id, pc.abstractSyntax(), pc.transferSyntaxes()));
            id += 2;
        }
        DimseServiceRegistry registry = new DimseServiceRegistry();
        for (DimseService s : services) {
            registry.add(s);
        }
        return Association.connect(config, remote, proposed, roles, registry);
    }

    private static int requireContext(Association as, String sopClass, RemoteAe remote) {
        int pcid = as.findContext(sopClass);
        if (pcid < 0) {
            throw new DicomNetworkException(remote + " does not accept " + sopClass);
        }
        return pcid;
    }

    private static RetrieveResult result(DimseMessage fin) {
        Attributes c = fin.command();
        return new RetrieveResult(fin.status(), c.getInt(Tag.NumberOfCompletedSuboperations, -1),
                c.getInt(Tag.NumberOfFailedSuboperations, -1), c.getInt(Tag.NumberOfWarningSuboperations, -1),
                c.getString(Tag.ErrorComment));
    }

    private static String comment(DimseMessage m) {
        String c = m.command().getString(Tag.ErrorComment);
        return c == null ? "" : ": " + c;
    }

    private static byte[] encode(Attributes keys, String tsUid) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.writeDataset(out, keys, TransferSyntax.of(tsUid));
        return out.toByteArray();
    }

    private static Attributes decode(byte[] data, String tsUid) {
        try {
            return DicomReader.readDataset(new ByteArrayInputStream(data), TransferSyntax.of(tsUid));
        } catch (IOException e) {
            throw new DicomNetworkException("unreadable C-FIND response identifier: " + e.getMessage(), e);
        }
    }
}
