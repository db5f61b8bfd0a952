package io.distillery.dicom.codec;

import java.io.EOFException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An in-memory ImageInputStream that throws at the end of the data instead of returning -1. JJ2000 treats the
 * -1 of a normal stream as data: a corrupt packet header then reads an endless run of one bits past the end and
 * loops forever (PktDecoder.readPktHead). Failing the read turns that into an error.
 */
final class StrictByteArrayImageInputStream extends ImageInputStreamImpl {
    private final byte[] data;

    StrictByteArrayImageInputStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() throws EOFException {
        if (streamPos >= data.length) {
            throw new EOFException("codestream ends early (read past offset " + data.length + ")");
        }
        bitOffset = 0;
        return data[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws EOFException {
        if (len == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            throw new EOFException("codestream ends early (read past offset " + data.length + ")");
        }
        bitOffset = 0;
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }
}
