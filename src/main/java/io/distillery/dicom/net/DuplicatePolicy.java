package io.distillery.dicom.net;

/** What a store does with a second instance carrying a SOP Instance UID it already holds. */
public enum DuplicatePolicy {
    /** Replace the stored copy; success. */
    OVERWRITE,
    /** Keep the stored copy, drop the new one, and answer warning 0xB006 (elements discarded: here, all of them). */
    KEEP_EXISTING,
    /** Refuse with failure 0x0111 (duplicate SOP instance); the sender must not count it as stored. */
    REJECT,
    /** Keep both, the new one under {@code <uid>.<n>.dcm}; success. */
    KEEP_BOTH
}
