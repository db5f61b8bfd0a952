package io.distillery.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.share.SharePackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The check made before anything leaves (and again on a folder copy): the manifest is byte for byte the one the
 * reviewer approved, and every file it lists has its listed size and SHA-256. Lighter than
 * {@link io.distillery.share.PackageVerifier}, which also rebuilds the model: what matters here is that exactly
 * the approved bytes go out.
 */
final class PackageIntegrity {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PackageIntegrity() {
    }

    /**
     * The package's files, relative paths with '/', in sending order: the listed files, then the signature, and the
     * manifest last, so that a partner who sees the manifest knows everything else has arrived.
     *
     * @throws OutboundException not retryable if the manifest or a file differs from what was approved; retryable
     *                           if the package cannot be read (e.g. its volume is not mounted)
     */
    static List<String> check(Path dir, String approvedManifestSha256) {
        Path manifestFile = dir.resolve(SharePackage.MANIFEST);
        byte[] manifest;
        try {
            manifest = Files.readAllBytes(manifestFile);
        } catch (IOException e) {
            throw new OutboundException(manifestFile + ": cannot read the manifest (" + e.getMessage() + ")", e);
        }
        String actual = HexFormat.of().formatHex(sha256().digest(manifest));
        if (!actual.equals(approvedManifestSha256)) {
            throw new OutboundException(manifestFile + ": manifest SHA-256 " + actual
                    + " is not the approved " + approvedManifestSha256 + "; the package changed after review", false);
        }
        JsonNode files;
        try {
            files = JSON.readTree(manifest).path("files");
        } catch (IOException e) {
            throw new OutboundException(manifestFile + ": not JSON (" + e.getMessage() + ")", false);
        }
        if (!files.isObject() || files.isEmpty()) {
            throw new OutboundException(manifestFile + ": lists no files", false);
        }
        List<String> order = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String rel = e.getKey();
            if (rel.startsWith("/") || rel.contains("..") || rel.contains("\\")) {
                throw new OutboundException(manifestFile + ": file name '" + rel + "' leaves the package", false);
            }
            checkFile(dir.resolve(rel), e.getValue().path("bytes").asLong(-1), e.getValue().path("sha256").asText());
            order.add(rel);
        }
        if (!Files.isRegularFile(dir.resolve(SharePackage.SIGNATURE))) {
            throw new OutboundException(dir.resolve(SharePackage.SIGNATURE) + ": missing", false);
        }
        order.add(SharePackage.SIGNATURE);
        order.add(SharePackage.MANIFEST);
        return order;
    }

    private static void checkFile(Path file, long bytes, String sha256) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutboundException(file + ": listed in the manifest but missing", false);
        }
        try {
            long size = Files.size(file);
            if (size != bytes) {
                throw new OutboundException(file + ": " + size + " bytes, the manifest says " + bytes, false);
            }
            MessageDigest md = sha256();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            if (!HexFormat.of().formatHex(md.digest()).equals(sha256)) {
                throw new OutboundException(file + ": SHA-256 differs from the manifest", false);
            }
        } catch (IOException e) {
            throw new OutboundException(file + ": unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
