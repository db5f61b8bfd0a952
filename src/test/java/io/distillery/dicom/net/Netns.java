package io.distillery.dicom.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a listening peer (storescp, Orthanc) inside its own network namespace ({@code unshare --net}, loopback up),
 * since neither can bind to 127.0.0.1 only, and joins it to the test's loopback through socat over Unix sockets:
 * forward ports reach the peer from 127.0.0.1, reverse ports let the peer reach our listeners (C-MOVE). Without
 * the privilege for unshare the peer runs directly, listening on all interfaces for the length of the test.
 */
final class Netns {
    private Netns() {
    }

    /** A port of the peer made reachable as 127.0.0.1:hostPort on our side. */
    record Forward(int peerPort, int hostPort) {
    }

    /** Our 127.0.0.1:hostPort made reachable as 127.0.0.1:peerPort inside the peer's namespace. */
    record Reverse(int peerPort, int hostPort) {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("unshare", "--net", "sh", "-c", "ip link set lo up").start();
            return p.waitFor() == 0 && Peers.installed("socat");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Starts {@code command} with the given port joins. Returns the host ports to use; without a namespace they
     * equal the peer ports.
     */
    static void start(Peers peers, String name, Path sockDir, List<Forward> forwards, List<Reverse> reverses,
            String... command) throws IOException {
        if (!available()) {
            peers.start(name, command);
            return;
        }
        StringBuilder inside = new StringBuilder("ip link set lo up; ");
        List<String[]> outside = new ArrayList<>();
        for (Forward f : forwards) {
            String sock = sockDir.resolve(name + "-f" + f.peerPort() + ".sock").toString();
            inside.append("socat UNIX-LISTEN:").append(sock).append(",fork TCP:127.0.0.1:").append(f.peerPort())
                    .append(",nodelay & ");
            outside.add(new String[] {"socat", "TCP-LISTEN:" + f.hostPort() + ",bind=127.0.0.1,reuseaddr,fork,nodelay",
                    "UNIX-CONNECT:" + sock});
        }
        for (Reverse r : reverses) {
            String sock = sockDir.resolve(name + "-r" + r.peerPort() + ".sock").toString();
            outside.add(new String[] {"socat", "UNIX-LISTEN:" + sock + ",fork", "TCP:127.0.0.1:" + r.hostPort() + ",nodelay"});
            inside.append("socat TCP-LISTEN:").append(r.peerPort()).append(",bind=127.0.0.1,reuseaddr,fork,nodelay UNIX-CONNECT:")
                    .append(sock).append(" & ");
        }
        for (int i = 0; i < outside.size(); i++) {
            peers.start(name + "-bridge" + i, outside.get(i));
        }
        inside.append("exec");
        for (String c : command) {
            inside.append(" '").append(c.replace("'", "'\\''")).append("'");
        }
        peers.start(name, "unshare", "--net", "--kill-child", "sh", "-c", inside.toString());
    }
}
