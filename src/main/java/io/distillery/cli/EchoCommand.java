package io.distillery.cli;

import io.distillery.dicom.net.EchoScu;
import io.distillery.dicom.net.RemoteAe;
import io.distillery.dicom.net.Status;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom echo AET@host:port}: C-ECHO, exit 0 on success. */
@Command(name = "echo", mixinStandardHelpOptions = true, description = "Verify a DICOM peer with C-ECHO.")
public final class EchoCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions net;

    @Parameters(index = "0", paramLabel = "AET@HOST:PORT", description = "The peer.")
    String peer;

    @Override
    public Integer call() {
        RemoteAe remote = RemoteAe.parse(peer);
        int status = EchoScu.echo(net.client(), remote);
        if (status != Status.SUCCESS) {
            System.err.println("echo: " + remote + " answered " + Status.toString(status));
            return 1;
        }
        System.out.println("echo: " + remote + " ok");
        return 0;
    }
}
