package io.distillery.dicom.net;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * An instance received by C-STORE and spooled to disk (a complete, structurally checked Part 10 file, its data
 * fsynced when {@link StorageConfig#fsync()}): what a {@link StorageHandler} gets. Study and series UIDs are null when the dataset lacks them. Calling and called AE
 * titles are those of the association: for a C-GET sub-operation the instance came from the called AE.
 */
public record StoredInstance(Path file, long size, String sopClass, String sopInstance, String transferSyntax,
        String studyInstanceUid, String seriesInstanceUid, String callingAet, String calledAet,
        InetSocketAddress remoteAddress) {
}
