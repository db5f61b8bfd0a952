package io.distillery.share;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The installation's Ed25519 key pair (JDK provider), kept outside the repository: the private key file (PKCS#8
 * DER, mode 600) and {@code <file>.pub} beside it (X.509 DER). Generated on first use.
 */
public final class SigningKeys {
    public static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Where the key lives unless configured: {@code DISTILLERY_SIGNING_KEY}, else ~/.distillery/signing.key. */
    public static Path defaultKeyFile() {
        String env = System.getenv("DISTILLERY_SIGNING_KEY");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".distillery", "signing.key");
    }

    /** Loads the pair from {@code priv} and {@code priv.pub}, generating both first if {@code priv} is absent. */
    public static SigningKeys loadOrCreate(Path priv) {
        Path dir = priv.toAbsolutePath().getParent();
        Path pub = priv.resolveSibling(priv.getFileName() + ".pub");
        try {
            if (!Files.exists(priv)) {
                Files.createDirectories(dir);
                KeyPair kp = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                Path tmp = priv.resolveSibling(priv.getFileName() + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, kp.getPrivate().getEncoded());
                Files.write(pub, kp.getPublic().getEncoded());
                Files.move(tmp, priv);
            }
            KeyFactory kf = KeyFactory.getInstance(ALGORITHM);
            return new SigningKeys(kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(priv))),
                    readPublic(pub));
        } catch (IOException | GeneralSecurityException e) {
            throw new ShareException(priv + ": cannot load or create the signing key: " + e.getMessage(), e);
        }
    }

    /** Reads an X.509-encoded Ed25519 public key. */
    public static PublicKey readPublic(Path file) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Files.readAllBytes(file)));
        } catch (IOException | GeneralSecurityException e) {
            throw new ShareException(file + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new ShareException("cannot sign: " + e.getMessage(), e);
        }
    }

    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** SHA-256 of the X.509 encoding, hex: what a partner pins. */
    public static String fingerprint(PublicKey key) {
        return Hashes.sha256(key.getEncoded());
    }
}
