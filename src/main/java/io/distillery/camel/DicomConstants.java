package io.distillery.camel;

import org.apache.camel.spi.Metadata;

/** Message headers of the {@code dicom:} component. */
public final class DicomConstants {
    @Metadata(label = "consumer", description = "SOP Class UID of the received instance.", javaType = "String")
    public static final String SOP_CLASS_UID = "DicomSopClassUID";
    @Metadata(description = "SOP Instance UID of the received instance (consumer), or of the instance to retrieve"
            + " (wado).", javaType = "String")
    public static final String SOP_INSTANCE_UID = "DicomSopInstanceUID";
    @Metadata(description = "Study Instance UID of the received instance (consumer), or the study to query or"
            + " retrieve (find, move, get, qido, wado).", javaType = "String")
    public static final String STUDY_INSTANCE_UID = "DicomStudyInstanceUID";
    @Metadata(description = "Series Instance UID of the received instance (consumer), or the series to query or"
            + " retrieve.", javaType = "String")
    public static final String SERIES_INSTANCE_UID = "DicomSeriesInstanceUID";
    @Metadata(label = "consumer", description = "AE title of the sender (calling AE).", javaType = "String")
    public static final String CALLING_AET = "DicomCallingAet";
    @Metadata(label = "consumer", description = "AE title the sender addressed (called AE).", javaType = "String")
    public static final String CALLED_AET = "DicomCalledAet";
    @Metadata(label = "consumer", description = "Remote socket address of the sender, host:port.", javaType = "String")
    public static final String REMOTE_ADDRESS = "DicomRemoteAddress";
    @Metadata(label = "consumer", description = "Transfer syntax UID in which the instance was received and spooled.",
            javaType = "String")
    public static final String TRANSFER_SYNTAX_UID = "DicomTransferSyntaxUID";
    @Metadata(label = "consumer", description = "Size in bytes of the spooled Part 10 file.", javaType = "long")
    public static final String FILE_SIZE = "DicomFileSize";
    @Metadata(label = "producer", description = "Final DIMSE status of the operation (store: the worst per-instance"
            + " status; echo, find, move, get: the final response status).", javaType = "int")
    public static final String STATUS = "DicomStatus";
    @Metadata(label = "producer", description = "store: one result per instance (file, SOP Instance UID, status,"
            + " problem).", javaType = "java.util.List<io.distillery.dicom.net.StoreScu.Result>")
    public static final String STORE_RESULTS = "DicomStoreResults";
    @Metadata(label = "producer", description = "store and stow: number of instances the peer accepted with success.",
            javaType = "int")
    public static final String STORED_COUNT = "DicomStoredCount";
    @Metadata(label = "producer", description = "find and qido: matching keys, attribute keyword (e.g. PatientID) to"
            + " value; overrides the endpoint's query option.", javaType = "java.util.Map<String,String>")
    public static final String QUERY = "DicomQuery";
    @Metadata(label = "producer", description = "find and qido: number of matches returned.", javaType = "int")
    public static final String RESULT_COUNT = "DicomResultCount";
    @Metadata(label = "producer", description = "move and get: sub-operations completed, failed and with warning, as"
            + " reported by the peer.", javaType = "int[]")
    public static final String SUB_OPERATIONS = "DicomSubOperations";

    private DicomConstants() {
    }
}
