package io.distillery.deid;

import io.distillery.dicom.Attributes;
import java.util.List;

/**
 * The outcome of de-identifying one instance: either the de-identified dataset (with its updated File Meta
 * Information) and the audit trail of actions, or a quarantine decision with its reason and no dataset.
 *
 * @param dataset          the de-identified dataset, or null when quarantined
 * @param fileMeta         the updated File Meta Information (Media Storage SOP Instance UID remapped), or null
 * @param actions          every action applied, in the order applied, for the audit trail
 * @param quarantineReason why the instance was quarantined, or null when it was de-identified
 */
public record DeidResult(Attributes dataset, Attributes fileMeta, List<AppliedAction> actions,
        String quarantineReason) {

    /** One audit entry: where (tag path through sequence items), what, and which rule decided it. */
    public record AppliedAction(String path, int tag, ProfileAction action, String rule) {
        @Override
        public String toString() {
            return path + " " + action + " (" + rule + ")";
        }
    }

    public boolean quarantined() {
        return quarantineReason != null;
    }

    static DeidResult quarantine(String reason) {
        return new DeidResult(null, null, List.of(), reason);
    }
}
