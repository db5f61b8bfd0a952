package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Checks that a received dataset is well formed without building it: walks element headers, sequences, items and
 * encapsulated fragments to the end of the stream, skipping values, and keeps a few top-level string values
 * (study/series UIDs for routing). Memory use is constant whatever the instance size.
 */
final class DatasetWalker {
    private static final int MAX_DEPTH = 64;
    private static final long UNDEFINED = 0xFFFFFFFFL;

    private final InputStream in;
    private final boolean bigEndian;
    private final Set<Integer> capture;
    private final Map<Integer, String> captured = new HashMap<>();
    private long pos;
    /** Stop at the first top-level tag above this (unsigned), for reading only the head of a dataset. */
    private long stopAfter = 0xFFFFFFFFL;

    private DatasetWalker(InputStream in, boolean bigEndian, Set<Integer> capture) {
        this.in = in;
        this.bigEndian = bigEndian;
        this.capture = capture;
    }

    /** Reads the top-level values of {@code capture} that come before any tag above {@code lastTag}. */
    static Map<Integer, String> head(InputStream raw, TransferSyntax ts, Set<Integer> capture, int lastTag) {
        InputStream in = new BufferedInputStream(ts.deflated() ? new InflaterInputStream(raw, new Inflater(true)) : raw,
                8192);
        DatasetWalker w = new DatasetWalker(in, ts.bigEndian(), capture);
        w.stopAfter = Integer.toUnsignedLong(lastTag);
        try {
            w.dataset(Long.MAX_VALUE, ts.explicitVR(), 0);
        } catch (IOException e) {
            throw new DicomException("dataset unreadable at byte " + w.pos + ": " + e.getMessage());
        }
        return w.captured;
    }

    /** Walks the whole dataset; returns the captured top-level values. Malformed data is a {@link DicomException}. */
    static Map<Integer, String> walk(InputStream raw, TransferSyntax ts, Set<Integer> capture) {
        InputStream in = new BufferedInputStream(ts.deflated() ? new InflaterInputStream(raw, new Inflater(true)) : raw,
                65536);
        DatasetWalker w = new DatasetWalker(in, ts.bigEndian(), capture);
        try {
            w.dataset(Long.MAX_VALUE, ts.explicitVR(), 0);
        } catch (EOFException e) {
            throw new DicomException("dataset truncated at byte " + w.pos);
        } catch (IOException e) {
            throw new DicomException("dataset unreadable at byte " + w.pos + ": " + e.getMessage());
        }
        return w.captured;
    }

    /** Elements until {@code end} bytes, an item delimiter (when end is undefined) or, at top level, end of stream. */
    private void dataset(long end, boolean explicit, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new DicomException("sequences nested deeper than " + MAX_DEPTH + " at byte " + pos);
        }
        long start = pos;
        while (pos - start < end) {
            int first = in.read();
            if (first < 0) {
                if (depth == 0) {
                    return;
                }
                throw new EOFException();
            }
            pos++;
            int group = bigEndian ? (first << 8) | u8() : first | (u8() << 8);
            int tag = (group << 16) | u16();
            if (depth == 0 && Integer.toUnsignedLong(tag) > stopAfter) {
                return;
            }
            if (group == 0xFFFE) {
                long len = u32();
                if (tag == Tag.ItemDelimitationItem && end == UNDEFINED) {
                    return;
                }
                throw new DicomException("unexpected " + Tag.toString(tag) + " at byte " + (pos - 8));
            }
            VR vr = null;
            long len;
            if (explicit) {
                int code = (u8() << 8) | u8();
                vr = VR.ofCode(code);
                if (vr == null) {
                    throw new DicomException("invalid VR at " + Tag.toString(tag) + ", byte " + (pos - 2));
                }
                if (vr.hasLongHeader()) {
                    u16();
                    len = u32();
                } else {
                    len = u16();
                }
            } else {
                len = u32();
            }
            if (len == UNDEFINED) {
                if (vr == VR.OB || vr == VR.OW) {
                    fragments();
                } else {
                    // SQ, implicit-VR sequences, and UN of undefined length (CP-246: implicit VR LE inside).
                    items(vr == VR.UN ? false : explicit, depth);
                }
            } else if (depth == 0 && capture.contains(tag) && len <= 1024) {
                byte[] v = in.readNBytes((int) len);
                if (v.length < len) {
                    throw new EOFException();
                }
                pos += len;
                captured.put(tag, new String(v, StandardCharsets.US_ASCII).replace("\0", "").trim());
            } else {
                skip(len);
            }
        }
        if (end != Long.MAX_VALUE && pos - start != end) {
            throw new DicomException("item content overruns its length at byte " + pos);
        }
    }

    private void items(boolean explicit, int depth) throws IOException {
        while (true) {
            int tag = (u16() << 16) | u16();
            long len = u32();
            if (tag == Tag.SequenceDelimitationItem) {
                return;
            }
            if (tag != Tag.Item) {
                throw new DicomException("expected an item in a sequence, got " + Tag.toString(tag) + " at byte " + (pos - 8));
            }
            dataset(len, explicit, depth + 1);
        }
    }

    private void fragments() throws IOException {
        while (true) {
            int tag = (u16() << 16) | u16();
            long len = u32();
            if (tag == Tag.SequenceDelimitationItem) {
                return;
            }
            if (tag != Tag.Item || len == UNDEFINED) {
                throw new DicomException("malformed encapsulated pixel data fragment at byte " + (pos - 8));
            }
            skip(len);
        }
    }

    private void skip(long n) throws IOException {
        in.skipNBytes(n);
        pos += n;
    }

    private int u8() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        pos++;
        return b;
    }

    private int u16() throws IOException {
        int a = u8();
        int b = u8();
        return bigEndian ? (a << 8) | b : a | (b << 8);
    }

    private long u32() throws IOException {
        long a = u16();
        long b = u16();
        return bigEndian ? (a << 16) | b : a | (b << 16);
    }
}
