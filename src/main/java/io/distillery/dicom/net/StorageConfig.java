package io.distillery.dicom.net;

import java.nio.file.Path;

/**
 * Where a Storage SCP spools incoming instances and the free space it keeps: below {@code minFreeBytes} under
 * the spool directory, C-STORE is answered "out of resources" (0xA700) instead of filling the disk.
 * {@code fsync} forces each spooled file's data to stable storage before the handler runs, so that a handler
 * that keeps the file by renaming it only has to make the name durable (leave on outside benchmarks; a handler
 * that copies the instance elsewhere and commits that copy durably does not need it).
 * {@code spoolAhead} empty spool files are kept created and open by a background thread, so that creating a file is
 * not on the path from request to response (0: each file is created when its instance arrives).
 */
public record StorageConfig(Path spoolDirectory, long minFreeBytes, boolean fsync, int spoolAhead) {
    public static final long DEFAULT_MIN_FREE = 512L * 1024 * 1024;
    /** Covers a burst of concurrent associations; each waits as one empty file and one open descriptor. */
    public static final int DEFAULT_SPOOL_AHEAD = 8;

    public StorageConfig {
        if (spoolAhead < 0) {
            throw new IllegalArgumentException("spoolAhead must be 0 or more, not " + spoolAhead);
        }
    }

    public StorageConfig(Path spoolDirectory, long minFreeBytes, boolean fsync) {
        this(spoolDirectory, minFreeBytes, fsync, DEFAULT_SPOOL_AHEAD);
    }

    public static StorageConfig of(Path spoolDirectory) {
        return new StorageConfig(spoolDirectory, DEFAULT_MIN_FREE, true);
    }

    public StorageConfig withMinFreeBytes(long bytes) {
        return new StorageConfig(spoolDirectory, bytes, fsync, spoolAhead);
    }

    public StorageConfig withSpoolAhead(int files) {
        return new StorageConfig(spoolDirectory, minFreeBytes, fsync, files);
    }
}
