package io.distillery.dicom.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening application entity: accepts connections and serves each association on its own thread, at most
 * {@link ServerConfig#maxAssociations()} at once (more are rejected "local-limit-exceeded"). A misbehaving peer only
 * ever ends its own association.
 */
public final class DicomServer implements Closeable {
    private final ServerConfig config;
    private final DimseServiceRegistry services;
    private final AssociationListener listener;
    private final ServerSocket serverSocket;
    private final ExecutorService workers;
    private final Semaphore slots;
    private final Set<Association> active = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean stopping;

    private DicomServer(ServerConfig config, DimseServiceRegistry services, AssociationListener listener)
            throws IOException {
        this.config = config;
        this.services = services;
        this.listener = listener;
        this.serverSocket = config.tls() != null ? config.tls().serverSocket() : new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port()), 128);
        AtomicInteger n = new AtomicInteger();
        String name = "dicom-" + config.aet() + "-";
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.slots = new Semaphore(config.maxAssociations());
        this.acceptor = new Thread(this::acceptLoop, name + "acceptor");
        acceptor.setDaemon(true);
    }

    /** Binds and starts serving; Verification is always provided, other services come from {@code services}. */
    public static DicomServer start(ServerConfig config, DimseServiceRegistry services, AssociationListener listener)
            throws IOException {
        services.add(new VerificationService());
        DicomServer s = new DicomServer(config, services, listener == null ? new AssociationListener() { } : listener);
        s.acceptor.start();
        return s;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public ServerConfig config() {
        return config;
    }

    /** Associations currently open. */
    public int activeAssociations() {
        return active.size();
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (stopping) {
                    return;
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                rejectBusy(socket);
                continue;
            }
            workers.execute(() -> {
                try {
                    serve(socket);
                } finally {
                    slots.release();
                }
            });
        }
    }

    private void serve(Socket socket) {
        Association as = null;
        try {
            as = Association.accept(socket, config, services, listener);
            if (as == null) {
                return;
            }
            active.add(as);
            listener.onAccepted(as);
            as.serve();
            listener.onClosed(as, null);
        } catch (IOException | RuntimeException e) {
            if (as != null) {
                as.close();
                listener.onClosed(as, e);
            } else {
                listener.onProtocolError(socket.getInetAddress(), e.getMessage());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Already failing; closing is best effort.
                }
            }
        } finally {
            if (as != null) {
                active.remove(as);
            }
        }
    }

    private static void rejectBusy(Socket socket) {
        try (socket) {
            socket.getOutputStream().write(Pdu.encodeReject(AssociateReject.LOCAL_LIMIT_EXCEEDED));
        } catch (IOException e) {
            // The peer learns of the refusal from the closed connection.
        }
    }

    /**
     * Stops accepting, aborts open associations (their partial instances are discarded), waits briefly, and closes
     * the services.
     */
    @Override
    public void close() {
        stopping = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // Closing a listener cannot usefully fail.
        }
        for (Association as : active) {
            as.abortFromOutside();
        }
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.close();
    }
}
