package io.distillery.cli;

import io.distillery.dicom.net.RemoteAe;
import io.distillery.dicom.net.StoreScu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code dicom store AET@host:port FILE|DIR...}: C-STORE every file (directories recursively). Exit 0 only when the
 * peer answered success for every file; each other file gets one line on stderr with the status or problem.
 */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Send DICOM files to a peer with C-STORE.")
public final class StoreCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions net;

    @Parameters(index = "0", paramLabel = "AET@HOST:PORT", description = "The receiving peer.")
    String peer;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Files or directories to send.")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        RemoteAe remote = RemoteAe.parse(peer);
        List<Path> files = new ArrayList<>();
        int failed = 0;
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.walk(in)) {
                    s.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                System.err.println(in + ": no such file");
                failed++;
            }
        }
        int stored = 0;
        int warned = 0;
        for (StoreScu.Result r : StoreScu.store(net.client(), remote, files)) {
            if (r.stored()) {
                stored++;
            } else {
                if (r.warning()) {
                    warned++;
                } else {
                    failed++;
                }
                System.err.println(r.file() + ": " + r.describe());
            }
        }
        System.out.println("store: " + stored + " stored, " + warned + " with warning, " + failed + " failed, to " + remote);
        return failed + warned == 0 ? 0 : 1;
    }
}
