package io.distillery.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A TCP port free at the time of the call, for servers the tests start. */
public final class FreePorts {
    private FreePorts() {
    }

    /**
     * Binds an unconnected socket to port 0 of the wildcard address and returns the port the kernel chose. The
     * wildcard, not loopback: peers such as Orthanc and storescp cannot bind only to loopback, and a port free on
     * 127.0.0.1 can still be taken on another local address, and Orthanc then exits at start. The socket never
     * listens, so nothing is reachable beyond loopback, not even for an instant.
     */
    public static int freePort() throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(0));
            return s.getLocalPort();
        }
    }
}
