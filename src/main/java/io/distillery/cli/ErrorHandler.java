package io.distillery.cli;

import picocli.CommandLine;

/**
 * Turns an exception that escaped a command into one line on stderr and exit status 1; the stack
 * trace only with {@code --verbose} (or DISTILLERY_VERBOSE=1).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.expandedArgs().contains("--verbose") || "1".equals(System.getenv("DISTILLERY_VERBOSE"));
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().strip();
        if (!verbose && msg.contains("\n")) {
            msg = msg.lines().findFirst().orElse(msg) + " (more with --verbose)"; // one line per failure
        }
        cl.getErr().println(cl.getCommandName() + ": error: " + msg);
        if (verbose) {
            ex.printStackTrace(cl.getErr());
        }
        return 1;
    }
}
