package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;

/** A remote application entity: AE title, host and port, written {@code AET@host:port}. */
public record RemoteAe(String aet, String host, int port) {
    public RemoteAe {
        if (aet == null || aet.isBlank() || aet.length() > 16) {
            throw new DicomException("AE title must be 1 to 16 characters: '" + aet + "'");
        }
        if (port < 1 || port > 65535) {
            throw new DicomException("port out of range: " + port);
        }
    }

    /** Parses {@code AET@host:port}. */
    public static RemoteAe parse(String s) {
        int at = s.indexOf('@');
        int colon = s.lastIndexOf(':');
        if (at <= 0 || colon <= at + 1 || colon == s.length() - 1) {
            throw new DicomException("expected AET@host:port, got '" + s + "'");
        }
        try {
            return new RemoteAe(s.substring(0, at), s.substring(at + 1, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new DicomException("expected AET@host:port, got '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return aet + "@" + host + ":" + port;
    }
}
