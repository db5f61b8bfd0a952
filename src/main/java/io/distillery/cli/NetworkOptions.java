package io.distillery.cli;

import io.distillery.dicom.net.ClientConfig;
import io.distillery.dicom.net.TlsConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options shared by the network commands: calling AE, TLS stores (passwords from environment variables named by
 * the user, never from the command line) and timeouts.
 */
final class NetworkOptions {
    @Option(names = "--aet", defaultValue = "DISTILLERY", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aet;

    @Option(names = "--tls-keystore", description = "PKCS#12 key store with our certificate and key (enables TLS).")
    Path keyStore;

    @Option(names = "--tls-truststore", description = "PKCS#12 trust store with the certificates we trust (enables TLS).")
    Path trustStore;

    @Option(names = "--tls-password-env", defaultValue = "DICOM_TLS_PASSWORD",
            description = "Environment variable holding the store password (default: ${DEFAULT-VALUE}).")
    String passwordEnv;

    @Option(names = "--timeout", defaultValue = "60", description = "Response and idle timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    TlsConfig tls(boolean needClientAuth) {
        if (keyStore == null && trustStore == null) {
            return null;
        }
        String pw = System.getenv(passwordEnv);
        char[] password = pw == null ? new char[0] : pw.toCharArray();
        return new TlsConfig(keyStore, password, trustStore, password, needClientAuth, null);
    }

    ClientConfig client() {
        return ClientConfig.of(aet).withResponseTimeout(timeoutSeconds * 1000).withTls(tls(false));
    }
}
