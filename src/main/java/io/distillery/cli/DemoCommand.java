package io.distillery.cli;

import io.distillery.deid.DeidConfig;
import io.distillery.demo.Demo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: the whole path on dicom-samples/ with embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Send dicom-samples/ over DICOM to the gateway's own SCP, label, de-identify, normalise, store,"
                + " export the cohort and distil it; prints a summary table and writes OUT/summary.json.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "out/demo", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--samples", defaultValue = "dicom-samples", description = "input folder (default ${DEFAULT-VALUE})")
    Path samples;

    @Option(names = "--iterations", defaultValue = "400", description = "outer iterations (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", description = "distillation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--secret-env", defaultValue = DeidConfig.DEFAULT_SECRET_ENV,
            description = "environment variable with the pseudonymisation secret; when unset the demo uses a"
                    + " throw-away one and says so (default ${DEFAULT-VALUE})")
    String secretEnv;

    @Option(names = "--review-base-url", defaultValue = Demo.Settings.DEFAULT_REVIEW_BASE_URL,
            description = "where `serve` shows the review page, for review_url (default ${DEFAULT-VALUE})")
    String reviewBaseUrl;

    @Override
    public Integer call() throws Exception {
        String env = System.getenv(secretEnv);
        byte[] secret;
        if (env == null || env.isBlank()) {
            System.out.println("note: " + secretEnv + " is not set; using a random secret for this demo run only");
            secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
        } else {
            secret = env.getBytes(StandardCharsets.UTF_8);
        }
        new Demo(new Demo.Settings(samples, out, iterations, seed, secret, reviewBaseUrl), System.out).run();
        return 0;
    }
}
