package io.distillery.outbound;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One approved package (id + the exact manifest hash that was approved) on its way to one destination, as claimed
 * by one replica: {@code attempt} counts this try, {@code leaseOwner}/{@code leaseUntil} say who holds it until when.
 */
public record Delivery(String packageId, String manifestSha256, String destination, Path packageDir, int attempt,
                       String leaseOwner, Instant leaseUntil) {

    public String describe() {
        return "package " + packageId + " (manifest " + manifestSha256.substring(0, 12) + ") to " + destination;
    }
}
