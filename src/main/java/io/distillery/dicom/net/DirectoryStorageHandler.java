package io.distillery.dicom.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files each instance as {@code <dir>/<SOP Instance UID>.dcm} by an atomic rename of the spool file (spool and
 * target on the same file system), then fsyncs the directory so the name survives a crash before the response.
 */
public final class DirectoryStorageHandler implements StorageHandler {
    private final Path directory;
    private final DuplicatePolicy duplicates;
    private final boolean fsync;

    public DirectoryStorageHandler(Path directory, DuplicatePolicy duplicates, boolean fsync) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.duplicates = duplicates;
        this.fsync = fsync;
    }

    @Override
    public synchronized int onStored(StoredInstance instance) throws IOException {
        String uid = instance.sopInstance();
        if (!uid.matches("[0-9]+(\\.[0-9]+)*") || uid.length() > 64) {
            // Never let a peer choose a path: only a syntactically valid UID becomes a file name.
            return Status.CANNOT_UNDERSTAND;
        }
        Path target = directory.resolve(uid + ".dcm");
        int status = Status.SUCCESS;
        if (Files.exists(target)) {
            switch (duplicates) {
                case REJECT -> {
                    return Status.DUPLICATE_SOP_INSTANCE;
                }
                case KEEP_EXISTING -> {
                    return Status.WARNING_ELEMENTS_DISCARDED;
                }
                case KEEP_BOTH -> {
                    int n = 1;
                    while (Files.exists(target)) {
                        target = directory.resolve(uid + "." + n++ + ".dcm");
                    }
                }
                case OVERWRITE -> {
                }
            }
        }
        Files.move(instance.file(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (fsync) {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
        return status;
    }
}
