package io.distillery.dicom.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Files each instance as {@code <dir>/<SOP Instance UID>.dcm} by an atomic rename of the spool file (spool and
 * target on the same file system), then fsyncs the directory so the name survives a crash before the response.
 * Concurrent associations share directory fsyncs ({@link DirectorySync}).
 */
public final class DirectoryStorageHandler implements StorageHandler {
    /** Only a syntactically valid UID becomes a file name: a peer never chooses a path. */
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    private final Path directory;
    private final DuplicatePolicy duplicates;
    private final DirectorySync sync;

    public DirectoryStorageHandler(Path directory, DuplicatePolicy duplicates, boolean fsync) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.duplicates = duplicates;
        this.sync = fsync ? new DirectorySync(this.directory) : null;
    }

    @Override
    public int onStored(StoredInstance instance) throws IOException {
        String uid = instance.sopInstance();
        if (uid.length() > 64 || !UID.matcher(uid).matches()) {
            return Status.CANNOT_UNDERSTAND;
        }
        // Deciding a name and renaming onto it is one step, or two senders of one UID could both "keep both".
        synchronized (this) {
            Path target = directory.resolve(uid + ".dcm");
            if (duplicates != DuplicatePolicy.OVERWRITE && Files.exists(target)) {
                switch (duplicates) {
                    case REJECT -> {
                        return Status.DUPLICATE_SOP_INSTANCE;
                    }
                    case KEEP_EXISTING -> {
                        return Status.WARNING_ELEMENTS_DISCARDED;
                    }
                    default -> {
                        int n = 1;
                        while (Files.exists(target)) {
                            target = directory.resolve(uid + "." + n++ + ".dcm");
                        }
                    }
                }
            }
            Files.move(instance.file(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        if (sync != null) {
            sync.awaitDurable();
        }
        return Status.SUCCESS;
    }

    /** Every success is a rename of the spool file onto its target. */
    @Override
    public boolean movesFileOnSuccess() {
        return true;
    }
}
