package io.distillery.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dicom ...}: the toolkit and network commands. */
@Command(name = "dicom", mixinStandardHelpOptions = true,
        description = "DICOM toolkit: dump, decode, transcode, and network tools.",
        subcommands = {
                ScpCommand.class,
                EchoCommand.class,
                StoreCommand.class,
                FindCommand.class,
                MoveCommand.class,
        })
public final class DicomCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
