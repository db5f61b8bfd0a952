package io.distillery.dicom.net;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.Tag;

/**
 * A received DIMSE message: the presentation context it came on, its command set, and its data as the sink made
 * it ({@code byte[]} for the default in-memory sink, a service-specific object for streaming sinks, null when none).
 */
public record DimseMessage(int pcid, Attributes command, Object data) {
    public int commandField() {
        return command.getInt(Tag.CommandField, -1);
    }

    public String sopClass() {
        String s = command.getString(Tag.AffectedSOPClassUID);
        return s != null ? s : command.getString(Tag.RequestedSOPClassUID);
    }

    public int status() {
        return command.getInt(Tag.Status, -1);
    }

    /** In-memory dataset bytes, or null. */
    public byte[] dataBytes() {
        return data instanceof byte[] b ? b : null;
    }
}
