package io.distillery.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DicomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CodecsTest {
    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.53",
        "1.2.840.10008.1.2.4.55", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"})
    void jpegSyntaxesHaveTheJpegDecoder(String uid) {
        assertInstanceOf(JpegDecoder.class, Codecs.decoder(uid).orElseThrow());
    }

    @Test
    void rleHasTheRleCodec() {
        assertInstanceOf(RleCodec.class, Codecs.requireDecoder("1.2.840.10008.1.2.5"));
    }

    @Test
    void nativeSyntaxesHaveNoDecoder() {
        assertFalse(Codecs.decoder("1.2.840.10008.1.2.1").isPresent());
        DicomException e = assertThrows(DicomException.class, () -> Codecs.requireDecoder("1.2.840.10008.1.2.1"));
        assertTrue(e.getMessage().contains("1.2.840.10008.1.2.1 (Explicit VR Little Endian) is not compressed"),
                e.getMessage());
        e = assertThrows(DicomException.class, () -> Codecs.requireDecoder("1.2.3.4"));
        assertTrue(e.getMessage().contains("unknown transfer syntax 1.2.3.4"), e.getMessage());
    }

    /** Unsupported syntaxes fail naming the UID and the syntax, including the corpus's real HTJ2K files. */
    @ParameterizedTest
    @CsvSource({
        "1.2.840.10008.1.2.4.201, High-Throughput JPEG 2000 Image Compression (Lossless Only)",
        "1.2.840.10008.1.2.4.202, High-Throughput JPEG 2000 with RPCL Options",
        "1.2.840.10008.1.2.4.203, High-Throughput JPEG 2000 Image Compression",
        "1.2.840.10008.1.2.4.110, JPEG XL Lossless",
        "1.2.840.10008.1.2.4.112, JPEG XL",
        "1.2.840.10008.1.2.4.102, MPEG-4 AVC/H.264",
        "1.2.840.10008.1.2.4.107, HEVC/H.265",
    })
    void unsupportedSyntaxesAreNamed(String uid, String name) {
        assertFalse(Codecs.decoder(uid).isPresent());
        DicomException e = assertThrows(DicomException.class, () -> Codecs.requireDecoder(uid));
        assertTrue(e.getMessage().contains(uid) && e.getMessage().contains(name), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pydicom-data/HTJ2K_08_RGB.dcm", "pydicom-data/HTJ2KLossless_08_RGB.dcm"})
    void corpusHtj2kFilesFailClearly(String relative) throws Exception {
        ImageFile file = ImageFile.read(Corpus.file(relative));
        DicomException e = assertThrows(DicomException.class, () -> Corpus.decodeAll(file));
        assertTrue(e.getMessage().contains(file.transferSyntax) && e.getMessage().contains("High-Throughput"),
                e.getMessage());
    }
}
