package io.distillery.cli;

import io.quarkus.runtime.Quarkus;
import java.util.concurrent.Callable;
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
        Quarkus.run();
        Quarkus.waitForExit();
        return 0;
    }
}
