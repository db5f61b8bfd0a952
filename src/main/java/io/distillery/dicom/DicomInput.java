package io.distillery.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A buffered byte source that knows its absolute position, over a file channel (whose size is known, so declared
 * lengths are checked against it before anything is allocated and large values can be skipped) or over a stream
 * (size unknown: values are read in growing chunks, so a lying length costs at most the bytes really there).
 */
final class DicomInput implements AutoCloseable {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int STREAM_CHUNK = 256 * 1024;

    private final FileChannel channel;
    private final Path file;
    private final InputStream stream;
    private final long size;
    byte[] buf;
    int pos;
    int lim;
    private long bufStart;

    private DicomInput(FileChannel channel, Path file, InputStream stream, long size) {
        this.channel = channel;
        this.file = file;
        this.stream = stream;
        this.size = size;
        // small files get a small buffer: parsing many of them is the ingest hot path
        this.buf = new byte[size < 0 ? BUFFER_SIZE : (int) Math.max(1024, Math.min(BUFFER_SIZE, size))];
    }

    static DicomInput of(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file);
        return new DicomInput(ch, file, null, ch.size());
    }

    static DicomInput of(InputStream in) {
        return new DicomInput(null, null, in, -1);
    }

    /** The file behind this input, or null for a stream. */
    Path file() {
        return file;
    }

    long position() {
        return bufStart + pos;
    }

    /** Bytes left before the end of the input, or -1 when unknown (stream). */
    long remaining() {
        return size < 0 ? -1 : size - position();
    }

    /** Makes at least {@code n} (at most the buffer size) bytes available; false at end of input before that. */
    boolean request(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            bufStart += pos;
            lim -= pos;
            pos = 0;
        }
        while (lim < n) {
            int r = fill(buf, lim, buf.length - lim);
            if (r < 0) {
                return false;
            }
            lim += r;
        }
        return true;
    }

    /** Like {@link #request} but a short input is a DicomException naming {@code what}. */
    void require(int n, String what) throws IOException {
        if (!request(n)) {
            throw new DicomException("truncated " + what + " at offset " + position() + ": " + n + " bytes needed, "
                    + (lim - pos) + " remain");
        }
    }

    /** True when no byte is left. */
    boolean atEnd() throws IOException {
        return !request(1);
    }

    private int fill(byte[] b, int off, int len) throws IOException {
        return fillAt(b, off, len, bufStart + lim);
    }

    /** Reads from absolute offset {@code at} (files use positional reads, so skipping is just arithmetic). */
    private int fillAt(byte[] b, int off, int len, long at) throws IOException {
        if (channel != null) {
            return channel.read(ByteBuffer.wrap(b, off, len), at);
        }
        return stream.read(b, off, len);
    }

    /** Reads exactly {@code len} bytes into {@code dst}; EOFException when the input ends first. */
    void readFully(byte[] dst, int off, int len) throws IOException {
        int avail = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, off, avail);
        pos += avail;
        if (avail == len) {
            return;
        }
        // buffer drained: read the rest straight into dst
        bufStart += lim;
        pos = lim = 0;
        int done = avail;
        while (done < len) {
            int r = fillAt(dst, off + done, len - done, bufStart);
            if (r < 0) {
                throw new EOFException();
            }
            done += r;
            bufStart += r;
        }
    }

    /**
     * Reads a value of {@code len} bytes into a new array. The caller has checked {@code len} against
     * {@link #remaining()} when it is known; for a stream the array grows chunk by chunk as bytes arrive.
     */
    byte[] readBytes(long len, String what) throws IOException {
        if (len > Integer.MAX_VALUE - 8) {
            throw new DicomException(what + " of " + len + " bytes at offset " + position() + " is too large to load");
        }
        int n = (int) len;
        if (size >= 0 || n <= STREAM_CHUNK) {
            byte[] out = new byte[n];
            readOrFail(out, 0, n, what, len);
            return out;
        }
        byte[] out = new byte[STREAM_CHUNK];
        int filled = 0;
        while (filled < n) {
            if (filled == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, (long) out.length * 2));
            }
            int step = out.length - filled;
            readOrFail(out, filled, step, what, len);
            filled += step;
        }
        return out;
    }

    private void readOrFail(byte[] dst, int off, int n, String what, long declared) throws IOException {
        long start = position();
        try {
            readFully(dst, off, n);
        } catch (EOFException e) {
            throw new DicomException(what + " declares " + declared + " bytes but the input ends before offset "
                    + (start + n));
        }
    }

    /** Skips {@code n} bytes; on a file only the position moves. */
    void skip(long n) throws IOException {
        long inBuf = lim - pos;
        if (n <= inBuf) {
            pos += (int) n;
            return;
        }
        long rest = n - inBuf;
        bufStart += lim;
        pos = lim = 0;
        if (channel != null) {
            bufStart += rest;
            return;
        }
        while (rest > 0) {
            long s = stream.skip(rest);
            if (s <= 0) {
                if (stream.read() < 0) {
                    throw new EOFException();
                }
                s = 1;
            }
            rest -= s;
            bufStart += s;
        }
    }

    /** The rest of the input as a stream (for inflating a deflated dataset); this input must not be used after. */
    InputStream rest() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return request(1) ? buf[pos++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (pos == lim && !request(1)) {
                    return -1;
                }
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
