package io.distillery.gateway;

import io.distillery.camel.DicomConstants;
import io.distillery.dicom.net.Association;
import io.distillery.dicom.net.DuplicatePolicy;
import io.distillery.dicom.net.StoredInstance;
import io.distillery.review.AuditAction;
import io.distillery.review.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

/**
 * Ingest counts for the audit trail: one INGEST event per DICOM association that sent instances, recorded when the
 * association ends, with the calling and called AE, the sender's address and how many instances ended in each
 * outcome (stored, duplicate, parked, quarantined, failed, and refused_duplicate or duplicate for instances the
 * listener's duplicate policy answered without routing them). Nothing about the patient or the study goes into the
 * event. An association is recognised by the sender's address and port, which the dicom:scp consumer puts on each
 * exchange and the listener reports when the association closes; its instances are processed on the association's
 * own thread, so every count is in before the close.
 */
@ApplicationScoped
public class IngestAudit {
    static final String ACTOR = "gateway";
    private static final Logger LOG = Logger.getLogger(IngestAudit.class);

    private final AuditTrail trail;
    private final Map<String, Map<String, Integer>> open = new ConcurrentHashMap<>();

    @Inject
    public IngestAudit(AuditTrail trail) {
        this.trail = trail;
    }

    /** Counts one received instance's outcome ({@code FAILED} when the ingest step threw) for its association. */
    public void count(Message message, String outcome) {
        String peer = message.getHeader(DicomConstants.REMOTE_ADDRESS, String.class);
        if (peer != null) {
            count(peer, outcome);
        }
    }

    /** Counts an instance the listener answered without routing it: a duplicate under the SCP's policy. */
    public void duplicateNotHandedOn(StoredInstance instance, DuplicatePolicy policy) {
        count(key(instance.remoteAddress()), policy == DuplicatePolicy.REJECT ? "REFUSED_DUPLICATE" : "DUPLICATE");
    }

    private void count(String peer, String outcome) {
        open.computeIfAbsent(peer, k -> new ConcurrentHashMap<>()).merge(outcome.toLowerCase(Locale.ROOT), 1,
                Integer::sum);
    }

    /** Records the association's counts, if it sent anything; {@code failure} is null after an orderly release. */
    public void associationClosed(Association association, Exception failure) {
        associationClosed(association.remoteAddress(), association.callingAet(), association.calledAet(), failure);
    }

    void associationClosed(InetSocketAddress peer, String callingAet, String calledAet, Exception failure) {
        Map<String, Integer> counts = open.remove(key(peer));
        if (counts == null) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>(new TreeMap<>(counts));
        details.put("calling_ae", callingAet);
        details.put("called_ae", calledAet);
        details.put("remote_host", peer.getAddress().getHostAddress());
        details.put("association", failure == null ? "released" : "aborted: " + failure.getMessage());
        try {
            trail.record(ACTOR, AuditAction.INGEST, details);
        } catch (RuntimeException e) { // the instances are stored and acknowledged; say loudly that the event is not
            LOG.errorf("ingest counts %s not recorded in the audit trail: %s", details, e.getMessage());
        }
    }

    /** The form of the dicom:scp consumer's remote-address header. */
    private static String key(InetSocketAddress peer) {
        return peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }
}
