package io.distillery.cli;

import io.distillery.dicom.net.QueryRetrieveScu;
import io.distillery.dicom.net.RemoteAe;
import io.distillery.dicom.net.Status;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicom move AET@host:port --dest AET --level STUDY -k StudyInstanceUID=...}: C-MOVE to a known AE. */
@Command(name = "move", mixinStandardHelpOptions = true,
        description = "Ask a peer to send matching instances to a destination AE with C-MOVE.")
public final class MoveCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions net;

    @Mixin
    QueryKeys query;

    @Parameters(index = "0", paramLabel = "AET@HOST:PORT", description = "The peer holding the instances.")
    String peer;

    @Option(names = "--dest", required = true, description = "Destination AE title (known to the peer).")
    String destination;

    @Override
    public Integer call() {
        QueryRetrieveScu.RetrieveResult r = QueryRetrieveScu.move(net.client(), RemoteAe.parse(peer), query.model,
                query.identifier(), destination);
        System.out.println("move: " + Status.toString(r.status()) + ", completed " + r.completed() + ", failed "
                + r.failed() + ", warning " + r.warning());
        if (!r.success()) {
            System.err.println("move: " + peer + " reported " + Status.toString(r.status())
                    + (r.errorComment() == null ? "" : ": " + r.errorComment()));
            return 1;
        }
        return 0;
    }
}
