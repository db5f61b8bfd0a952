package io.distillery.share;

import java.nio.file.Path;

/**
 * A built package on disk: its id (also the pseudonymous patient/study identity of its DICOM objects), its
 * directory, and the SHA-256 of the exact manifest bytes, which the review gate and the audit trail use to say
 * which package a decision applies to.
 */
public record SharePackage(String id, Path dir, String manifestSha256) {
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    public static final String SIGNER = "signer.pub";
    public static final String SCHEMA = "distillery-package/1";
}
