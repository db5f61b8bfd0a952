package io.distillery.dicom.net;

import java.nio.file.Path;

/**
 * Where a Storage SCP spools incoming instances and the free space it keeps: below {@code minFreeBytes} under
 * the spool directory, C-STORE is answered "out of resources" (0xA700) instead of filling the disk.
 * {@code fsync} forces each spooled file's data to stable storage before the handler runs, so that a handler
 * that keeps the file by renaming it only has to make the name durable (leave on outside benchmarks; a handler
 * that copies the instance elsewhere and commits that copy durably does not need it).
 */
public record StorageConfig(Path spoolDirectory, long minFreeBytes, boolean fsync) {
    public static final long DEFAULT_MIN_FREE = 512L * 1024 * 1024;

    public static StorageConfig of(Path spoolDirectory) {
        return new StorageConfig(spoolDirectory, DEFAULT_MIN_FREE, true);
    }

    public StorageConfig withMinFreeBytes(long bytes) {
        return new StorageConfig(spoolDirectory, bytes, fsync);
    }
}
