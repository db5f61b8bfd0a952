package io.distillery.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP port free at the time of the call, for servers the tests start. */
public final class FreePorts {
    /** Ports already handed out in this JVM: a server may bind its port long after the probe. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * Binds an unconnected socket to port 0 of the wildcard address and returns the port the kernel chose, never
     * one this JVM was given before (the kernel may offer a probed port again before its server binds it). The
     * wildcard, not loopback: peers such as Orthanc and storescp cannot bind only to loopback, and a port free on
     * 127.0.0.1 can still be taken on another local address, and Orthanc then exits at start. The socket never
     * listens, so nothing is reachable beyond loopback, not even for an instant.
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(0));
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no free port that was not handed out before");
    }
}
