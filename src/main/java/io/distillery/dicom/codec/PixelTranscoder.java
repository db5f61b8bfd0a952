package io.distillery.dicom.codec;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.EncapsulatedUncompressed;
import io.distillery.dicom.Fragments;
import io.distillery.dicom.PixelData;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.io.ByteArrayOutputStream;

/**
 * Changes how a dataset's pixel data is encoded, for transcoding: decompression of any syntax we decode to native
 * data, RLE Lossless compression of native data, and native data to and from Encapsulated Uncompressed Explicit VR
 * Little Endian (stored bytes unchanged). Other compressions are not offered (the codecs here decode only). The
 * input dataset is not modified.
 */
public final class PixelTranscoder {
    private static final TransferSyntax ENCAPSULATED_UNCOMPRESSED =
            TransferSyntax.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN;

    private PixelTranscoder() {
    }

    /** The dataset with its pixel data converted from {@code from} to {@code to}. */
    public static Attributes transcode(Attributes dataset, TransferSyntax from, TransferSyntax to) {
        if (from.equals(to) || !dataset.contains(Tag.PixelData) || !from.encapsulated() && !to.encapsulated()) {
            return dataset;
        }
        if (to.encapsulated() && !to.equals(TransferSyntax.RLE_LOSSLESS) && !to.equals(ENCAPSULATED_UNCOMPRESSED)) {
            throw new DicomException("cannot transcode " + from + " to " + to + ": compression to that syntax is not"
                    + " available (decoders only; RLE Lossless and Encapsulated Uncompressed can be written)");
        }
        Attributes nativeDs = from.equals(ENCAPSULATED_UNCOMPRESSED) ? EncapsulatedUncompressed.unwrap(dataset)
                : from.encapsulated() ? toNative(dataset, from) : dataset;
        if (to.equals(ENCAPSULATED_UNCOMPRESSED)) {
            return EncapsulatedUncompressed.encapsulate(nativeDs);
        }
        return to.encapsulated() ? toRle(nativeDs) : nativeDs;
    }

    /** Decompresses every frame; the photometric interpretation becomes what the decoder produced (e.g. RGB). */
    static Attributes toNative(Attributes dataset, TransferSyntax from) {
        PixelData px = PixelData.of(dataset, from);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        String photometric = null;
        for (int i = 0; i < px.image().frames(); i++) {
            DecodedFrame f = px.frame(i);
            all.writeBytes(f.data());
            photometric = f.photometricInterpretation();
        }
        Attributes out = dataset.deepCopy();
        out.setBytes(Tag.PixelData, px.image().bitsAllocated() > 8 ? VR.OW : VR.OB, all.toByteArray());
        if (photometric != null) {
            out.setString(Tag.PhotometricInterpretation, VR.CS, photometric);
        }
        if (px.image().samplesPerPixel() > 1) {
            out.setInt(Tag.PlanarConfiguration, VR.US, 0);
        }
        if (from.lossy()) {
            out.setString(Tag.LossyImageCompression, VR.CS, "01");
        }
        return out;
    }

    /** RLE-encodes native frames as they are stored (bits above Bits Stored included, so decoding gives them back). */
    static Attributes toRle(Attributes nativeDs) {
        PixelData px = PixelData.of(nativeDs, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        ImageDescriptor image = px.image();
        if (image.bitsAllocated() != 8 && image.bitsAllocated() != 16 && image.bitsAllocated() != 32) {
            throw new DicomException("RLE Lossless needs 8, 16 or 32 bits allocated, not " + image.bitsAllocated());
        }
        byte[] stored = nativeDs.getBytes(Tag.PixelData);
        int frameLength = (int) image.nativeFrameLength();
        if (stored == null || (long) stored.length < (long) frameLength * image.frames()) {
            throw new DicomException("native pixel data is shorter than " + image.frames() + " frames of "
                    + frameLength + " bytes");
        }
        RleCodec rle = Codecs.rle();
        Fragments fragments = new Fragments();
        fragments.add(new byte[0]);
        for (int i = 0; i < image.frames(); i++) {
            byte[] frame = java.util.Arrays.copyOfRange(stored, i * frameLength, (i + 1) * frameLength);
            fragments.add(rle.encode(frame, image));
        }
        Attributes out = nativeDs.deepCopy();
        out.setValue(Tag.PixelData, VR.OB, fragments);
        if (image.samplesPerPixel() > 1) {
            out.setInt(Tag.PlanarConfiguration, VR.US, 0);
        }
        return out;
    }
}
