package io.distillery.review;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Forwards each audit event as a DICOM audit message (PS3.15 A.5 XML, as IHE ATNA Record Audit Event sends it) in
 * an RFC 5424 syslog message: over UDP (RFC 5426, one message per datagram), TCP or TLS (RFC 5425 octet-counted
 * framing). Over TLS the receiver's certificate must chain to the configured trust store (else the JVM's) and match
 * the host name it was reached by; a client key, if configured, authenticates us to the receiver. The database
 * trail stays the record; forwarding is a copy off the machine, so a receiver that is down loses the copy, not the
 * event.
 */
public final class AuditSyslog implements Consumer<AuditEvent>, AutoCloseable {
    public enum Protocol { UDP, TCP, TLS }

    /** Facility 10 (security/authorisation), as the IHE ATNA profile uses it. */
    private static final int FACILITY = 10;
    private static final int NOTICE = 5;
    private static final int WARNING = 4;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final String host;
    private final int port;
    private final Protocol protocol;
    private final String appName;
    private final String sourceId;
    private final SSLSocketFactory tls;
    private Socket socket;
    private DatagramSocket datagrams;

    /** UDP or TCP; TLS with the JVM's default trust store and no client key. */
    public AuditSyslog(String host, int port, Protocol protocol, String appName) {
        this(host, port, protocol, appName, protocol == Protocol.TLS ? TlsStores.jvmDefaults() : null);
    }

    /** {@code stores} is used only for TLS (and required for it). */
    public AuditSyslog(String host, int port, Protocol protocol, String appName, TlsStores stores) {
        this.host = host;
        this.port = port;
        this.protocol = protocol;
        this.appName = appName;
        this.sourceId = localHostName();
        this.tls = protocol == Protocol.TLS ? stores.socketFactory() : null;
    }

    /**
     * Where the TLS keys come from: a trust store with the receiver's CA (null: the JVM's), and optionally our own
     * key and certificate chain for mutual TLS (null: none). Stores are PKCS#12 or JKS, passwords from the
     * configuration (never the repository).
     */
    public record TlsStores(Path trustStore, char[] trustStorePassword, Path keyStore, char[] keyStorePassword) {
        public static TlsStores jvmDefaults() {
            return new TlsStores(null, null, null, null);
        }

        SSLSocketFactory socketFactory() {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore == null ? null : load(trustStore, trustStorePassword));
                KeyManagerFactory kmf = null;
                if (keyStore != null) {
                    kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(load(keyStore, keyStorePassword), keyStorePassword);
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
                return context.getSocketFactory();
            } catch (IOException | GeneralSecurityException e) {
                throw new ReviewException("syslog TLS: cannot load the trust or key store: " + e.getMessage(), e);
            }
        }

        private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS#12, which also reads JKS
                ks.load(in, password);
                return ks;
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized void accept(AuditEvent e) {
        byte[] message = rfc5424(e);
        try {
            send(message);
        } catch (IOException first) {
            closeQuietly(); // a stream peer may have closed an idle connection: reconnect once
            try {
                send(message);
            } catch (IOException again) {
                throw new ReviewException("syslog " + protocol + " " + host + ":" + port + ": " + again.getMessage(),
                        again);
            }
        }
    }

    private void send(byte[] message) throws IOException {
        if (protocol == Protocol.UDP) {
            if (datagrams == null) {
                datagrams = new DatagramSocket();
            }
            datagrams.send(new DatagramPacket(message, message.length, new InetSocketAddress(host, port)));
            return;
        }
        if (socket == null) {
            socket = connect();
        }
        OutputStream out = socket.getOutputStream();
        out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(message);
        out.flush();
    }

    private Socket connect() throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(host, port), 10_000);
        if (tls == null) {
            return plain;
        }
        SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 5425 5.2: the certificate must name the host
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    /** One RFC 5424 message: header, no structured data, UTF-8 BOM and the audit message XML. */
    byte[] rfc5424(AuditEvent e) {
        int severity = e.action() == AuditAction.FAILURE ? WARNING : NOTICE;
        String header = "<" + (FACILITY * 8 + severity) + ">1 "
                + DateTimeFormatter.ISO_INSTANT.format(e.occurredAt()) + " " + field(sourceId, 255) + " "
                + field(appName, 48) + " - " + "IHE+RFC-3881" + " - ";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] xml = auditMessage(e).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + BOM.length + xml.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(BOM, 0, out, h.length, BOM.length);
        System.arraycopy(xml, 0, out, h.length + BOM.length, xml.length);
        return out;
    }

    /**
     * The event as a PS3.15 A.5.1 AuditMessage. Standard event IDs where one fits (Import, Export, Audit Log
     * Used); otherwise Application Activity with a Distillery event type code that names the action.
     */
    String auditMessage(AuditEvent e) {
        String[] id = switch (e.action()) {
            case INGEST -> new String[] {"110107", "Import", "C"};
            case DELIVERY -> new String[] {"110106", "Export", "R"};
            case AUDIT_EXPORT -> new String[] {"110101", "Audit Log Used", "R"};
            default -> new String[] {"110100", "Application Activity", "E"};
        };
        String outcome = e.action() == AuditAction.FAILURE ? "8" : "0";
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><AuditMessage>");
        b.append("<EventIdentification EventActionCode=\"").append(id[2]).append("\" EventDateTime=\"")
                .append(e.occurredAt()).append("\" EventOutcomeIndicator=\"").append(outcome).append("\">")
                .append("<EventID csd-code=\"").append(id[0]).append("\" codeSystemName=\"DCM\" originalText=\"")
                .append(id[1]).append("\"/>")
                .append("<EventTypeCode csd-code=\"").append(e.action().name())
                .append("\" codeSystemName=\"99DISTILLERY\" originalText=\"").append(e.action().name()).append("\"/>")
                .append("</EventIdentification>");
        b.append("<ActiveParticipant UserID=\"").append(xml(e.actor())).append("\" UserIsRequestor=\"true\"/>");
        b.append("<AuditSourceIdentification AuditSourceID=\"").append(xml(sourceId)).append("\">")
                .append("<AuditSourceTypeCode csd-code=\"4\"/></AuditSourceIdentification>");
        if (e.packageId() != null) {
            b.append("<ParticipantObjectIdentification ParticipantObjectID=\"").append(xml(e.packageId()))
                    .append("\" ParticipantObjectTypeCode=\"2\" ParticipantObjectTypeCodeRole=\"3\">")
                    .append("<ParticipantObjectIDTypeCode csd-code=\"PACKAGE\" codeSystemName=\"99DISTILLERY\""
                            + " originalText=\"Distillery share package\"/>")
                    .append("<ParticipantObjectName>").append(xml(e.packageId())).append("</ParticipantObjectName>");
            if (e.manifestSha256() != null) {
                b.append(detail("manifest_sha256", e.manifestSha256()));
            }
            b.append(detail("details", e.details())).append("</ParticipantObjectIdentification>");
        } else {
            b.append("<ParticipantObjectIdentification ParticipantObjectID=\"audit-event-").append(e.seq())
                    .append("\" ParticipantObjectTypeCode=\"2\">")
                    .append("<ParticipantObjectIDTypeCode csd-code=\"EVENT\" codeSystemName=\"99DISTILLERY\""
                            + " originalText=\"Distillery audit event\"/>")
                    .append("<ParticipantObjectName>").append(e.action().name()).append("</ParticipantObjectName>")
                    .append(detail("details", e.details())).append("</ParticipantObjectIdentification>");
        }
        // The chain position lets a receiver notice a gap or a forged copy.
        b.append("<!-- seq ").append(e.seq()).append(" hash ").append(e.hash()).append(" -->");
        return b.append("</AuditMessage>").toString();
    }

    private static String detail(String type, String value) {
        return "<ParticipantObjectDetail type=\"" + type + "\" value=\""
                + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\"/>";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A header field: printable US-ASCII without spaces, at most {@code max} characters, "-" when empty. */
    private static String field(String s, int max) {
        String v = s == null ? "" : s.replaceAll("[^\\x21-\\x7e]", "_");
        return v.isEmpty() ? "-" : v.length() > max ? v.substring(0, max) : v;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "distillery";
        }
    }

    private void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // the connection is being replaced
        }
        socket = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
        if (datagrams != null) {
            datagrams.close();
        }
    }
}
