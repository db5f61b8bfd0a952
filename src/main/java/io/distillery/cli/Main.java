package io.distillery.cli;

import io.quarkus.runtime.annotations.QuarkusMain;

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
        System.exit(DistilleryCommand.execute(args));
    }
}
