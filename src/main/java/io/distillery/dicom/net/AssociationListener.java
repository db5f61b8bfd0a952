package io.distillery.dicom.net;

import java.net.InetAddress;

/**
 * What a server reports about associations it refused or lost, and about instances it answered without handing them
 * on; defaults do nothing.
 */
public interface AssociationListener {
    default void onAccepted(Association association) {
    }

    default void onRejected(AssociateRequest request, InetAddress from, AssociateReject reject) {
    }

    /** Garbage, an unexpected PDU or a timeout before or during negotiation: the connection was aborted. */
    default void onProtocolError(InetAddress from, String problem) {
    }

    /** The association ended: {@code failure} is null after an orderly release. */
    default void onClosed(Association association, Exception failure) {
    }

    /**
     * An instance whose SOP Instance UID was already accepted, answered under {@code policy} (KEEP_EXISTING:
     * warning; REJECT: failure) without being handed to the application, so the application cannot count it.
     */
    default void onDuplicateNotHandedOn(StoredInstance instance, DuplicatePolicy policy) {
    }
}
