package io.distillery.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dicom ...}: the toolkit and network commands. */
@Command(name = "dicom", mixinStandardHelpOptions = true,
        description = "DICOM toolkit: dump, decode, transcode, and network tools.",
        subcommands = {
                DumpCommand.class,
                DecodeCommand.class,
                TranscodeCommand.class,
        })
public final class DicomCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
