package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distillery.testsupport.FreePorts;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test PACS itself: a port taken between the probe and Orthanc's bind costs a restart on other ports, not the
 * test. (CI once failed PacsPullRouteTest while its Orthanc started, with the cause hidden behind Quarkus'
 * InvocationTargetException; a port clash is the failure Orthanc has there that nothing else guarded against.)
 */
class OrthancServerTest {
    @Test
    void aPortTakenBeforeOrthancBindsItIsReplaced(@TempDir Path dir) throws Exception {
        try (Socket taken = new Socket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0)); // bound, never listening: refuses connections
            Deque<Integer> ports = new ArrayDeque<>(List.of(taken.getLocalPort(), FreePorts.freePort(),
                    FreePorts.freePort(), FreePorts.freePort()));
            try (OrthancServer orthanc = OrthancServer.start(dir, Map.of(), ports::removeFirst)) {
                assertNotEquals(taken.getLocalPort(), orthanc.httpPort);
                assertEquals("[]", orthanc.get("/instances").toString(), "the restarted Orthanc answers");
            }
        }
    }

    @Test
    void aPortThatStaysTakenFailsWithTheReason(@TempDir Path dir) throws Exception {
        try (Socket taken = new Socket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0)); // bound, never listening: refuses connections
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OrthancServer.start(dir, Map.of(), taken::getLocalPort));
            assertEquals("Orthanc exited, port " + taken.getLocalPort() + " or " + taken.getLocalPort()
                    + " already in use", e.getMessage());
        }
    }
}
