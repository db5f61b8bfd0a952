package io.distillery.deid;

/** The single-letter action codes of PS3.15 table E.1-1 once a combined code has been resolved. */
public enum ProfileAction {
    /** Remove the element. */
    X,
    /** Replace with a zero-length value. */
    Z,
    /** Replace with a non-zero-length dummy value valid for the VR. */
    D,
    /** Keep (sequences are still de-identified item by item). */
    K,
    /** Clean: replace identifying content by a value that carries none (see {@link Deidentifier}). */
    C,
    /** Replace a UID by its keyed pseudonym (sequences: keep and remap the UIDs inside). */
    U
}
