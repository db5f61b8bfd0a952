package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * Who may associate: calling-AE allow-list, remote-address allow-list (CIDR) and whether the called AE title must
 * be ours. Empty lists allow everyone. Each refusal maps to the A-ASSOCIATE-RJ reason of PS3.8 9.3.4.
 */
public record AccessControl(Set<String> allowedCallingAets, List<String> allowedNetworks, boolean checkCalledAet) {
    public static final AccessControl OPEN = new AccessControl(Set.of(), List.of(), true);

    public AccessControl {
        allowedCallingAets = Set.copyOf(allowedCallingAets);
        allowedNetworks = List.copyOf(allowedNetworks);
        for (String cidr : allowedNetworks) {
            parseCidr(cidr);
        }
    }

    /** The rejection for this request, or null when it may proceed. */
    AssociateReject check(AssociateRequest rq, InetAddress from, String ourAet) {
        if (!allowedNetworks.isEmpty() && allowedNetworks.stream().noneMatch(c -> contains(c, from))) {
            // The standard has no "address not allowed" reason; no-reason-given reveals nothing to the caller.
            return AssociateReject.NO_REASON;
        }
        if (!allowedCallingAets.isEmpty() && !allowedCallingAets.contains(rq.callingAet())) {
            return AssociateReject.CALLING_AET_NOT_RECOGNIZED;
        }
        if (checkCalledAet && !ourAet.equals(rq.calledAet())) {
            return AssociateReject.CALLED_AET_NOT_RECOGNIZED;
        }
        return null;
    }

    /** Whether {@code address} lies in {@code cidr} ("10.0.0.0/8", "::1/128" or a bare address). */
    public static boolean contains(String cidr, InetAddress address) {
        Object[] parsed = parseCidr(cidr);
        InetAddress net = (InetAddress) parsed[0];
        int bits = (Integer) parsed[1];
        byte[] a = address.getAddress();
        byte[] n = net.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int total = a.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(total - bits).subtract(BigInteger.ONE));
        return new BigInteger(1, a).and(mask).equals(new BigInteger(1, n).and(mask));
    }

    private static Object[] parseCidr(String cidr) {
        String[] parts = cidr.trim().split("/", 2);
        try {
            // Only literal addresses: a host name here would trigger a DNS lookup.
            if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                throw new UnknownHostException(parts[0]);
            }
            InetAddress net = InetAddress.getByName(parts[0]);
            int max = net.getAddress().length * 8;
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
            if (bits < 0 || bits > max) {
                throw new NumberFormatException();
            }
            return new Object[] {net, bits};
        } catch (UnknownHostException | NumberFormatException e) {
            throw new DicomException("not a CIDR address range: '" + cidr + "'");
        }
    }
}
