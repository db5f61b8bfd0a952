package io.distillery.dicom.net;

/**
 * How this AE opens associations: its calling AE title, maximum PDU it receives, timeouts (milliseconds) and
 * optional TLS.
 */
public record ClientConfig(String callingAet, int maxPduLength, int connectTimeoutMillis, int artimTimeoutMillis,
        int responseTimeoutMillis, TlsConfig tls) {
    public static final int DEFAULT_MAX_PDU = 65536;

    public static ClientConfig of(String callingAet) {
        return new ClientConfig(callingAet, DEFAULT_MAX_PDU, 10_000, 10_000, 60_000, null);
    }

    public ClientConfig withTls(TlsConfig tlsConfig) {
        return new ClientConfig(callingAet, maxPduLength, connectTimeoutMillis, artimTimeoutMillis, responseTimeoutMillis,
                tlsConfig);
    }

    public ClientConfig withResponseTimeout(int millis) {
        return new ClientConfig(callingAet, maxPduLength, connectTimeoutMillis, artimTimeoutMillis, millis, tls);
    }
}
