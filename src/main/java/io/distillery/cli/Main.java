package io.distillery.cli;

import io.quarkus.runtime.annotations.QuarkusMain;
import java.lang.management.ManagementFactory;

/**
 * Entry point of {@code quarkus-run.jar}. Tool commands (dump, decode, distill, ...) run as plain Java
 * without booting Quarkus, so they start fast and never open a listener; only server commands
 * ({@code serve}, {@code demo}) start the Quarkus application with its Camel routes.
 */
@QuarkusMain
public final class Main {
    private Main() {
    }

    public static void main(String... args) {
        String refusal = AotCacheGuard.check(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getProperty("java.class.path"), System.getProperty("java.vm.version"));
        if (refusal != null) {
            System.err.println("distillery: error: " + refusal);
            System.exit(1);
        }
        System.exit(DistilleryCommand.execute(args));
    }
}
