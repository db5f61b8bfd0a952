package io.distillery.labels;

import io.distillery.dicom.Attributes;
import java.util.Map;
import java.util.Optional;

/**
 * Gives an instance its class, or nothing. Rules run on the original dataset, before de-identification removes
 * the accession numbers, IDs and descriptions they key on.
 */
public interface LabelRule {
    /**
     * @param dataset the instance as received
     * @param headers message headers set by the route (for example a label a modality worklist already knows)
     */
    Optional<String> label(Attributes dataset, Map<String, Object> headers);

    /** A short description for logs and the parked reason. */
    String describe();
}
