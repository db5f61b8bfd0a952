package io.distillery.cli;

import io.distillery.demo.SampleCohortGenerator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samples generate}: rebuilds the demo cohort in dicom-samples/ from PneumoniaMNIST. */
@Command(name = "samples", mixinStandardHelpOptions = true, description = "Demo cohort tools.",
        subcommands = {SamplesCommand.Generate.class})
public final class SamplesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write CR/DX instances with invented headers made from PneumoniaMNIST images, and labels.csv.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "PneumoniaMNIST npz (MedMNIST layout)")
        Path npz;

        @Option(names = "--out", required = true, description = "output folder (dicom-samples)")
        Path out;

        @Option(names = "--per-class", defaultValue = "150", description = "instances per class (default ${DEFAULT-VALUE})")
        int perClass;

        @Option(names = "--seed", defaultValue = "20261127", description = "random seed (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() throws Exception {
            SampleCohortGenerator.Summary s = SampleCohortGenerator.generate(npz, out, perClass, seed);
            System.out.printf("wrote %d instances of %d patients to %s %s%n", s.instances(), s.patients(), out,
                    s.perLabel());
            return 0;
        }
    }
}
