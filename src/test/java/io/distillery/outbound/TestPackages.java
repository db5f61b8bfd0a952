package io.distillery.outbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.share.SharePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Packages in the on-disk layout of {@link io.distillery.share.PackageBuilder} (manifest listing every file's
 * SHA-256 and size, signature file, DICOM objects under images/), made from the real DICOM files of
 * dicom-samples/ without a distillation run: delivery only moves bytes and checks them against the manifest.
 */
final class TestPackages {
    static final Path SAMPLES = Path.of("dicom-samples");

    private TestPackages() {
    }

    /** A package {@code id} in {@code parent/id} holding the given sample DICOM files as its images. */
    static SharePackage make(Path parent, String id, String... sampleFiles) {
        try {
            Path dir = Files.createDirectories(parent.resolve(id));
            for (int i = 0; i < sampleFiles.length; i++) {
                Path to = Files.createDirectories(dir.resolve("images")).resolve(String.format("distilled-%03d.dcm", i));
                Files.copy(SAMPLES.resolve(sampleFiles[i]), to);
            }
            Files.createDirectories(dir.resolve("model"));
            Files.write(dir.resolve("model/soft_labels.npy"), ("labels of " + id).getBytes(StandardCharsets.UTF_8));
            Files.writeString(dir.resolve("PACKAGE.md"), "# test package " + id + "\n");
            Files.write(dir.resolve(SharePackage.SIGNER), new byte[] {1, 2, 3, 4});
            Map<String, Path> files = new TreeMap<>();
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).forEach(p -> files.put(dir.relativize(p).toString(), p));
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode m = json.createObjectNode();
            m.put("schema", SharePackage.SCHEMA);
            m.put("package_id", id);
            ObjectNode listed = m.putObject("files");
            for (Map.Entry<String, Path> e : files.entrySet()) {
                listed.putObject(e.getKey()).put("sha256", sha256(Files.readAllBytes(e.getValue())))
                        .put("bytes", Files.size(e.getValue()));
            }
            byte[] manifest = json.writeValueAsBytes(m);
            Files.write(dir.resolve(SharePackage.MANIFEST), manifest);
            Files.write(dir.resolve(SharePackage.SIGNATURE), ("signature of " + id).getBytes(StandardCharsets.UTF_8));
            return new SharePackage(id, dir, sha256(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file of a package folder with its bytes' SHA-256, by relative path. */
    static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                out.put(dir.relativize(p).toString().replace('\\', '/'), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
