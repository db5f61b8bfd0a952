package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * DICOM TLS (PS3.15 B.1 / BCP 195) on the JDK's JSSE: PKCS#12 key and trust stores, TLS 1.2 and 1.3, optional
 * mutual authentication. Passwords come from the caller's configuration or environment, never from the code.
 */
public record TlsConfig(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
        boolean needClientAuth, List<String> protocols) {
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsConfig {
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
    }

    private SSLContext context() {
        try {
            KeyManagerFactory kmf = null;
            if (keyStore != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keyStore, keyStorePassword), keyStorePassword);
            }
            TrustManagerFactory tmf = null;
            if (trustStore != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(trustStore, trustStorePassword));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new DicomException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    SSLServerSocket serverSocket() throws IOException {
        SSLServerSocketFactory f = context().getServerSocketFactory();
        SSLServerSocket s = (SSLServerSocket) f.createServerSocket();
        s.setEnabledProtocols(protocols.toArray(String[]::new));
        s.setNeedClientAuth(needClientAuth);
        return s;
    }

    SSLSocketFactory clientSocketFactory() {
        SSLSocketFactory delegate = context().getSocketFactory();
        String[] enabled = protocols.toArray(String[]::new);
        return new javax.net.ssl.SSLSocketFactory() {
            @Override
            public java.net.Socket createSocket() throws IOException {
                SSLSocket s = (SSLSocket) delegate.createSocket();
                s.setEnabledProtocols(enabled);
                return s;
            }

            @Override
            public String[] getDefaultCipherSuites() {
                return delegate.getDefaultCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return delegate.getSupportedCipherSuites();
            }

            @Override
            public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose)
                    throws IOException {
                return delegate.createSocket(s, host, port, autoClose);
            }

            @Override
            public java.net.Socket createSocket(String host, int port) throws IOException {
                return delegate.createSocket(host, port);
            }

            @Override
            public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                    throws IOException {
                return delegate.createSocket(host, port, localHost, localPort);
            }

            @Override
            public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
                return delegate.createSocket(host, port);
            }

            @Override
            public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                    int localPort) throws IOException {
                return delegate.createSocket(address, port, localAddress, localPort);
            }
        };
    }
}
