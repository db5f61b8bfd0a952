package io.distillery.cli;

import io.distillery.gateway.RouteFileErrors;
import io.quarkus.runtime.Quarkus;
import java.util.concurrent.Callable;
import org.apache.camel.quarkus.main.CamelMainApplication;
import picocli.CommandLine.Command;

/**
 * Boots Quarkus with the Camel routes of {@code routes/*.yaml} and runs until stopped (SIGTERM or Ctrl-C).
 * Settings come from application.properties, {@code -Dkey=value} or environment variables.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the gateway: the DICOM SCP and the routes of routes/*.yaml, until stopped.")
public final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        // With our own @QuarkusMain, Camel Quarkus does not start the CamelContext by itself; its
        // CamelMainApplication starts it and blocks in Quarkus.waitForExit() until the application is stopped.
        // A route file that does not load stops the start; say which file, line and option in one line.
        int[] exit = {0};
        Quarkus.run(CamelMainApplication.class, (code, failure) -> {
            exit[0] = code;
            if (failure != null) {
                System.err.println(RouteFileErrors.describe(failure)
                        .map(line -> "error: " + line)
                        .orElse("error: the gateway did not start: " + rootMessage(failure)));
            }
        });
        return exit[0];
    }

    /** Quarkus wraps the cause ("Failed to start quarkus"); the innermost message is the one that helps. */
    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
