package io.distillery.dicom.net;

import java.util.ArrayList;
import java.util.List;

/**
 * How an SCP listens: AE title, bind address (loopback unless set), port (0: any free port), what it accepts,
 * who may associate, limits and timeouts (milliseconds; idle 0 means none), optional TLS.
 */
public record ServerConfig(String aet, String bindAddress, int port, List<TransferCapability> capabilities,
        AccessControl access, int maxPduLength, int maxAssociations, int artimTimeoutMillis, int idleTimeoutMillis,
        TlsConfig tls) {

    public ServerConfig {
        capabilities = List.copyOf(capabilities);
    }

    public static Builder builder(String aet) {
        return new Builder(aet);
    }

    /** Builder with the defaults: 127.0.0.1, port 0, verification only, open access, 64 KiB PDUs, 50 associations. */
    public static final class Builder {
        private final String aet;
        private String bindAddress = "127.0.0.1";
        private int port;
        private final List<TransferCapability> capabilities = new ArrayList<>(List.of(TransferCapability.verification()));
        private AccessControl access = AccessControl.OPEN;
        private int maxPduLength = ClientConfig.DEFAULT_MAX_PDU;
        private int maxAssociations = 50;
        private int artimTimeoutMillis = 10_000;
        private int idleTimeoutMillis = 60_000;
        private TlsConfig tls;

        private Builder(String aet) {
            this.aet = aet;
        }

        public Builder bindAddress(String v) {
            bindAddress = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder accept(TransferCapability v) {
            capabilities.add(v);
            return this;
        }

        public Builder access(AccessControl v) {
            access = v;
            return this;
        }

        public Builder maxPduLength(int v) {
            maxPduLength = v;
            return this;
        }

        public Builder maxAssociations(int v) {
            maxAssociations = v;
            return this;
        }

        public Builder artimTimeoutMillis(int v) {
            artimTimeoutMillis = v;
            return this;
        }

        public Builder idleTimeoutMillis(int v) {
            idleTimeoutMillis = v;
            return this;
        }

        public Builder tls(TlsConfig v) {
            tls = v;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(aet, bindAddress, port, capabilities, access, maxPduLength, maxAssociations,
                    artimTimeoutMillis, idleTimeoutMillis, tls);
        }
    }
}
