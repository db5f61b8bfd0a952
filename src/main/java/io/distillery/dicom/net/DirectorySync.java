package io.distillery.dicom.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes names created or renamed in one directory durable (directory fsync), shared between threads (group commit):
 * one fsync covers every change that was complete when it started, so N concurrent associations do not queue for N
 * fsyncs.
 */
public final class DirectorySync {
    private final Path directory;
    private final AtomicLong changes = new AtomicLong();
    private final Object lock = new Object();
    private long durableChanges;
    private boolean syncing;

    public DirectorySync(Path directory) {
        this.directory = directory;
    }

    /** Call once the rename or creation is complete: returns when a directory fsync that started after it is done. */
    public void awaitDurable() throws IOException {
        long ticket = changes.incrementAndGet();
        while (true) {
            long upTo;
            synchronized (lock) {
                while (syncing && durableChanges < ticket) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for the directory fsync");
                    }
                }
                if (durableChanges >= ticket) {
                    return;
                }
                syncing = true;
                upTo = changes.get();
            }
            boolean done = false;
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
                done = true;
            } finally {
                synchronized (lock) {
                    syncing = false;
                    if (done) {
                        durableChanges = Math.max(durableChanges, upTo);
                    }
                    lock.notifyAll();
                }
            }
        }
    }
}
