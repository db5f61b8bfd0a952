package io.distillery.cli;

import picocli.CommandLine;

/** Version string from the jar manifest (set by Maven), or "dev" when run from classes. */
public final class Version implements CommandLine.IVersionProvider {
    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"distillery " + get()};
    }
}
