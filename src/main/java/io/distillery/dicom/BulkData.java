package io.distillery.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A value left in its file and read on demand (pixel data and other large values), so parsing never holds a whole
 * instance in memory. The bytes are as stored: {@code bigEndian} says whether they still need swapping.
 */
public record BulkData(Path file, long offset, long length, boolean bigEndian) {

    /** Reads the whole value into memory; fails clearly when it is larger than a Java array can be. */
    public byte[] bytes() {
        if (length > Integer.MAX_VALUE - 8) {
            throw new DicomException("value of " + length + " bytes at offset " + offset + " is too large to load");
        }
        byte[] out = new byte[(int) length];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.wrap(out);
            long pos = offset;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new DicomException(file + ": value at offset " + offset + " ends beyond the end of the file");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A stream over the value, for copying it without loading it. */
    public InputStream openStream() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        InputStream raw = java.nio.channels.Channels.newInputStream(ch);
        return new InputStream() {
            long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = raw.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = raw.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        };
    }
}
