package io.distillery.dicom.net;

import io.distillery.dicom.DicomException;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The structure check of {@link DatasetWalker}, fed fragment by fragment while a dataset streams in, so that a
 * received instance is never read back from disk: element headers, undefined-length sequences and items, and
 * encapsulated fragments are followed; values are skipped except a few top-level strings kept for routing. The
 * first problem is remembered and reported by {@link #finish()}; memory use is constant whatever the instance size.
 */
final class StreamingDatasetCheck {
    private static final int MAX_DEPTH = 64;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int MAX_CAPTURED_LENGTH = 1024;

    private enum Kind { DATASET, ITEMS, FRAGMENTS }

    /** An open container; {@code limit} is the stream position no content may pass (its own or an ancestor's end). */
    private record Frame(Kind kind, long end, long limit, boolean explicit) {
    }

    private final boolean bigEndian;
    private final Set<Integer> capture;
    private final Map<Integer, String> captured = new HashMap<>();
    private final Inflater inflater;
    private final byte[] inflated;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final byte[] header = new byte[12];
    private int headerLength;
    private long pos;
    private long valueRemaining;
    private int captureTag;
    private byte[] captureValue;
    private int captureFill;
    private int depth;
    private String problem;

    StreamingDatasetCheck(TransferSyntax ts, Set<Integer> capture) {
        this.bigEndian = ts.bigEndian();
        this.capture = capture;
        this.inflater = ts.deflated() ? new Inflater(true) : null;
        this.inflated = ts.deflated() ? new byte[16384] : null;
        frames.push(new Frame(Kind.DATASET, -1, Long.MAX_VALUE, ts.explicitVR()));
    }

    /** The next bytes of the dataset as received (deflated for the deflated syntax). */
    void feed(byte[] b, int off, int len) {
        if (problem != null) {
            return;
        }
        try {
            if (inflater == null) {
                process(b, off, len);
                return;
            }
            if (inflater.finished()) {
                return; // the pad byte after an odd-length deflated stream (PS3.5 A.5)
            }
            inflater.setInput(b, off, len);
            while (!inflater.finished()) {
                int n = inflater.inflate(inflated);
                if (n > 0) {
                    process(inflated, 0, n);
                } else if (inflater.needsInput() || inflater.needsDictionary()) {
                    break;
                }
            }
        } catch (DicomException e) {
            problem = e.getMessage();
        } catch (DataFormatException e) {
            problem = "deflated dataset unreadable at byte " + pos + ": " + e.getMessage();
        }
    }

    /** The whole dataset arrived: returns the captured values, or a {@link DicomException} naming the first problem. */
    Map<Integer, String> finish() {
        if (inflater != null) {
            inflater.end();
        }
        if (problem != null) {
            throw new DicomException(problem);
        }
        if ((inflater != null && !inflater.finished()) || headerLength > 0 || valueRemaining > 0 || frames.size() > 1) {
            throw new DicomException("dataset truncated at byte " + pos);
        }
        return captured;
    }

    private void process(byte[] b, int off, int len) {
        int end = off + len;
        while (off < end) {
            if (valueRemaining > 0) {
                int n = (int) Math.min(valueRemaining, end - off);
                if (captureValue != null) {
                    System.arraycopy(b, off, captureValue, captureFill, n);
                    captureFill += n;
                }
                off += n;
                pos += n;
                valueRemaining -= n;
                if (valueRemaining == 0 && captureValue != null) {
                    keepCaptured();
                }
                continue;
            }
            if (headerLength == 0) {
                closeEndedItems();
            }
            int need = headerSize();
            int n = Math.min(need - headerLength, end - off);
            System.arraycopy(b, off, header, headerLength, n);
            headerLength += n;
            off += n;
            pos += n;
            if (pos > frames.peek().limit) {
                throw new DicomException("item content overruns its length at byte " + pos);
            }
            if (headerLength == headerSize()) {
                onHeader();
                headerLength = 0;
            }
        }
    }

    /** A defined-length item is complete when the stream reaches its end; its sequence then expects the next item. */
    private void closeEndedItems() {
        while (frames.size() > 1 && frames.peek().kind == Kind.DATASET && frames.peek().end == pos) {
            frames.pop();
            depth--;
        }
    }

    /** Bytes of the element header being read: 8, or 12 for an explicit VR with a 4-byte length. */
    private int headerSize() {
        Frame f = frames.peek();
        if (f.kind != Kind.DATASET || !f.explicit || headerLength < 6 || u16(0) == 0xFFFE) {
            return 8;
        }
        VR vr = VR.ofCode(((header[4] & 0xFF) << 8) | (header[5] & 0xFF));
        if (vr == null) {
            throw new DicomException("invalid VR at " + Tag.toString(tag()) + ", byte " + (pos - headerLength + 4));
        }
        return vr.hasLongHeader() ? 12 : 8;
    }

    private void onHeader() {
        Frame f = frames.peek();
        int tag = tag();
        long start = pos - headerLength;
        switch (f.kind) {
            case DATASET -> {
                if (u16(0) == 0xFFFE) {
                    if (tag == Tag.ItemDelimitationItem && f.end < 0 && frames.size() > 1) {
                        frames.pop();
                        depth--;
                        return;
                    }
                    throw new DicomException("unexpected " + Tag.toString(tag) + " at byte " + start);
                }
                VR vr = null;
                long len;
                if (f.explicit) {
                    vr = VR.ofCode(((header[4] & 0xFF) << 8) | (header[5] & 0xFF));
                    len = vr.hasLongHeader() ? u32(8) : u16(6);
                } else {
                    len = u32(4);
                }
                if (len == UNDEFINED) {
                    // SQ, implicit-VR sequences, and UN of undefined length (CP-246: implicit VR LE inside).
                    boolean pixels = vr == VR.OB || vr == VR.OW;
                    frames.push(new Frame(pixels ? Kind.FRAGMENTS : Kind.ITEMS, -1, f.limit,
                            vr != VR.UN && f.explicit));
                    return;
                }
                value(len, f);
                if (frames.size() == 1 && capture.contains(tag) && len <= MAX_CAPTURED_LENGTH) {
                    captureTag = tag;
                    captureValue = new byte[(int) len];
                    captureFill = 0;
                    if (len == 0) {
                        keepCaptured();
                    }
                }
            }
            case ITEMS -> {
                long len = u32(4);
                if (tag == Tag.SequenceDelimitationItem) {
                    frames.pop();
                    return;
                }
                if (tag != Tag.Item) {
                    throw new DicomException("expected an item in a sequence, got " + Tag.toString(tag) + " at byte "
                            + start);
                }
                if (++depth > MAX_DEPTH) {
                    throw new DicomException("sequences nested deeper than " + MAX_DEPTH + " at byte " + pos);
                }
                long end = len == UNDEFINED ? -1 : pos + len;
                if (end > f.limit) {
                    throw new DicomException("item content overruns its length at byte " + pos);
                }
                frames.push(new Frame(Kind.DATASET, end, end < 0 ? f.limit : end, f.explicit));
            }
            case FRAGMENTS -> {
                long len = u32(4);
                if (tag == Tag.SequenceDelimitationItem) {
                    frames.pop();
                    return;
                }
                if (tag != Tag.Item || len == UNDEFINED) {
                    throw new DicomException("malformed encapsulated pixel data fragment at byte " + start);
                }
                value(len, f);
            }
        }
    }

    private void value(long len, Frame f) {
        if (pos + len > f.limit) {
            throw new DicomException("item content overruns its length at byte " + pos);
        }
        valueRemaining = len;
    }

    private void keepCaptured() {
        captured.put(captureTag, new String(captureValue, StandardCharsets.US_ASCII).replace("\0", "").trim());
        captureValue = null;
    }

    private int tag() {
        return (u16(0) << 16) | u16(2);
    }

    private int u16(int at) {
        int a = header[at] & 0xFF;
        int b = header[at + 1] & 0xFF;
        return bigEndian ? (a << 8) | b : a | (b << 8);
    }

    private long u32(int at) {
        long a = u16(at);
        long b = u16(at + 2);
        return bigEndian ? (a << 16) | b : a | (b << 16);
    }
}
