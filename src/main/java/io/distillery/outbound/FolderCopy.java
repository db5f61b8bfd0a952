package io.distillery.outbound;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder destination: the package appears as {@code <directory>/<package id>} all at once or not at all. Files
 * are copied into a hidden {@code .<id>.partial} folder beside it, synced, checked against the approved manifest,
 * and the folder is renamed into place (one atomic rename on the same file system). A finished copy already in
 * place (a previous attempt renamed it but died before recording the delivery) counts as delivered, not resent.
 */
final class FolderCopy {
    private FolderCopy() {
    }

    static Path deliver(Path packageDir, String packageId, String approvedManifestSha256, Path directory) {
        List<String> files = PackageIntegrity.check(packageDir, approvedManifestSha256);
        Path target = directory.resolve(packageId);
        if (Files.isDirectory(target)) {
            checkCopy(target, approvedManifestSha256, "an existing folder");
            return target;
        }
        Path partial = directory.resolve("." + packageId + ".partial");
        try {
            Files.createDirectories(directory);
            deleteTree(partial);
            for (String rel : files) {
                Path to = partial.resolve(rel);
                Files.createDirectories(to.getParent());
                Files.copy(packageDir.resolve(rel), to, StandardCopyOption.COPY_ATTRIBUTES);
                sync(to, false);
            }
            checkCopy(partial, approvedManifestSha256, "the copy");
            try (Stream<Path> dirs = Files.walk(partial)) {
                for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                    sync(d, true);
                }
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another replica finished the same package a moment ago: accept its copy only if verified.
                deleteTree(partial);
                checkCopy(target, approvedManifestSha256, "an existing folder");
                return target;
            }
            sync(directory, true);
        } catch (IOException e) {
            deleteTree(partial);
            throw new OutboundException("copy of " + packageId + " to " + directory + " failed: " + e.getClass().getSimpleName() + " "
                    + e.getMessage(), e);
        }
        return target;
    }

    private static void checkCopy(Path copy, String approvedManifestSha256, String what) {
        try {
            PackageIntegrity.check(copy, approvedManifestSha256);
        } catch (OutboundException e) {
            // Never overwrite a folder we did not verifiably write: a person must look at it.
            throw new OutboundException(copy + ": " + what + " does not match the approved package: "
                    + e.getMessage(), false);
        }
    }

    /** fsync a file, or a directory's entry list (POSIX; silently not supported on some platforms). */
    private static void sync(Path p, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(p, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new OutboundException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }
}
