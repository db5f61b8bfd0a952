package io.distillery.camel;

/** What a {@code dicom:} endpoint does. */
public enum DicomOperation {
    /** Consumer: Storage SCP (plus Verification), one exchange per received instance. */
    scp,
    /** Producer: C-STORE the body's Part 10 file(s) to {@code remote}. */
    store,
    /** Producer: C-ECHO {@code remote}. */
    echo,
    /** Producer: C-FIND on {@code remote}; body becomes the list of matches. */
    find,
    /** Producer: C-MOVE from {@code remote} to {@code destination}. */
    move,
    /** Producer: C-GET from {@code remote}, instances written to {@code directory}. */
    get,
    /** Producer: DICOMweb QIDO-RS search on {@code url}. */
    qido,
    /** Producer: DICOMweb WADO-RS retrieve from {@code url}, instances written to {@code directory}. */
    wado,
    /** Producer: DICOMweb STOW-RS of the body's Part 10 file(s) to {@code url}. */
    stow
}
