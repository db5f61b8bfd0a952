package io.distillery.dicom.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * The spool files of one Storage SCP, created ahead of need by a background thread. Creating a file on ext4 here
 * costs as much as writing a small instance into it and varies widely (36 us to 0.9 ms per call measured), and
 * nothing requires it to sit between a C-STORE request arriving and its response: a few empty files wait, open, in
 * the spool directory (with one sender, small instances arrived 1.1 to 2 times as fast; bench/dicom-ingest). When
 * none is ready the association's thread creates its own, exactly as without this class, so a slow or failing disk
 * is reported to the sender the same way.
 *
 * <p>Names are {@code .rx-<pid>.<token>-<n>.part}: the pid and a per-process token tell the files of a process that
 * no longer runs (a killed receiver's partial instances and unused ready files) from those of live processes sharing
 * the directory, and {@link #sweepOrphans} removes them at the next start. The token matters in containers, where
 * every run of the receiver may be pid 1. Pids are judged on this host, so a spool directory belongs to one host (as
 * each replica's spool does).
 */
final class SpoolFiles implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SpoolFiles.class.getName());
    static final String PREFIX = ".rx-";
    static final String SUFFIX = ".part";
    private static final long PID = ProcessHandle.current().pid();
    private static final String TOKEN = Long.toString(System.currentTimeMillis(), 36);

    /** A spool file, created and open for writing. */
    record Opened(Path path, FileChannel channel) {
    }

    private final Path dir;
    private final int ahead;
    /** Below this many ready files the creator is woken: one wake-up per several instances, not one per instance. */
    private final int lowWater;
    private final ConcurrentLinkedQueue<Opened> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger readyCount = new AtomicInteger();
    private final AtomicLong counter = new AtomicLong();
    private volatile Thread creator; // started on first use
    private volatile boolean closed;

    /** {@code ahead}: how many files wait ready; 0 creates every file on the caller's thread. */
    SpoolFiles(Path dir, int ahead) {
        this.dir = dir;
        this.ahead = ahead;
        this.lowWater = ahead / 2;
    }

    /** A fresh spool file: one created ahead if one is ready, else one created now. */
    Opened take() throws IOException {
        if (ahead > 0 && !closed) {
            Opened o = ready.poll();
            if (o == null) {
                wakeCreator();
            } else {
                if (readyCount.decrementAndGet() <= lowWater) {
                    wakeCreator();
                }
                return o;
            }
        }
        return create();
    }

    /** Creates and opens a new file in one system call, named by pid, token and counter (no random source). */
    private Opened create() throws IOException {
        while (true) {
            Path p = dir.resolve(PREFIX + PID + "." + TOKEN + "-" + counter.incrementAndGet() + SUFFIX);
            try {
                return new Opened(p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                // Another service of this process in the same directory took the number: take the next.
            }
        }
    }

    private void wakeCreator() {
        Thread t = creator;
        if (t != null) {
            LockSupport.unpark(t);
            return;
        }
        synchronized (this) {
            if (creator == null && !closed) {
                t = new Thread(this::createAhead, "spool-ahead " + dir);
                t.setDaemon(true);
                creator = t;
                t.start();
            }
        }
    }

    /** Fills up to {@code ahead} ready files, sleeps until woken, and again; a permit from unpark is never lost. */
    private void createAhead() {
        while (!closed) {
            try {
                while (!closed && readyCount.get() < ahead) {
                    ready.add(create());
                    readyCount.incrementAndGet();
                }
            } catch (IOException e) {
                // The association threads create inline meanwhile and report the failure to their senders.
                LOG.warning("cannot create spool files ahead in " + dir + ": " + e.getMessage());
                LockSupport.parkNanos(this, 1_000_000_000L);
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** Stops creating ahead and removes the files that were waiting; files already taken are their owners'. */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = creator;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Opened o; (o = ready.poll()) != null; ) {
            readyCount.decrementAndGet();
            discard(o);
        }
    }

    /** Closes and deletes a spool file that will not be used. */
    static void discard(Opened o) {
        try {
            o.channel().close();
        } catch (IOException e) {
            // Deleting is what matters.
        }
        try {
            Files.deleteIfExists(o.path());
        } catch (IOException e) {
            LOG.warning("cannot delete spool file " + o.path() + ": " + e.getMessage());
        }
    }

    /**
     * Deletes spool files left by processes that no longer run: a pid that is not alive, or this process's pid with
     * another token (an earlier run in the same container). Nothing in them was acknowledged to a sender. Returns how
     * many were removed.
     */
    static int sweepOrphans(Path dir) {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path p : files) {
                if (isOrphan(p.getFileName().toString())) {
                    try {
                        if (Files.deleteIfExists(p)) {
                            removed++;
                        }
                    } catch (IOException e) {
                        LOG.warning("cannot delete orphaned spool file " + p + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot list " + dir + " for orphaned spool files: " + e.getMessage());
        }
        if (removed > 0) {
            LOG.info("removed " + removed + " spool file(s) of receivers that no longer run from " + dir);
        }
        return removed;
    }

    /** True for a name of a process that is gone; names this class did not write are never orphans. */
    static boolean isOrphan(String name) {
        String core = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        int dash = core.indexOf('-');
        if (dash < 0) {
            return false;
        }
        String owner = core.substring(0, dash);
        int dot = owner.indexOf('.');
        long pid;
        try {
            pid = Long.parseLong(dot < 0 ? owner : owner.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid == PID) {
            // Our pid: an earlier incarnation unless it carries our token. Names without a token come from releases
            // before this class and, with our pid, from an earlier run too.
            return dot < 0 || !owner.substring(dot + 1).equals(TOKEN);
        }
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }
}
