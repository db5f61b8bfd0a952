package io.distillery.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code distillery} command; each capability contributes its own subcommands. */
@Command(name = "distillery", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "DICOM gateway that distils imaging cohorts into shareable synthetic data.",
        subcommands = {
                DicomCommand.class,
                DeidCommand.class,
                SamplesCommand.class,
                CohortCommand.class,
                DemoCommand.class,
                DistillCommand.class,
                PackageCommand.class,
                AuditCommand.class,
                OutboundCommand.class,
                ServeCommand.class,
        })
public final class DistilleryCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit status (0: every input succeeded). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with the project's error handling (one line per failure), for callers that set streams. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DistilleryCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
