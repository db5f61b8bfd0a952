package io.distillery.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Without the hand-out record, 200 probes repeat a port more often than not (about 14,000 odd ports to pick from). */
class FreePortsTest {
    @Test
    void portsAreBindableAndNeverHandedOutTwice() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.freePort();
            assertTrue(seen.add(port), "port " + port + " handed out twice");
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
            }
        }
    }
}
