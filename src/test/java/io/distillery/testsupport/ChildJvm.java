package io.distillery.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command lines for a second JVM on the tests' class path: for tests that kill a process or need one of their own. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java [jvmOptions] -cp <the tests' class path> mainClass args...}, with this JVM's java. */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(mainClass.getName());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    public static List<String> command(Class<?> mainClass, String... args) {
        return command(List.of(), mainClass, args);
    }
}
