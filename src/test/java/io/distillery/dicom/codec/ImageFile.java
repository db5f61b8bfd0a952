package io.distillery.dicom.codec;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.DicomReader;
import io.distillery.dicom.Fragments;
import io.distillery.dicom.Tag;
import io.distillery.dicom.VR;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Image Pixel attributes and the Pixel Data (stored native bytes, or the encapsulated offset table and
 * fragments) of a corpus file or a dcmtk output, as the toolkit's {@link DicomReader} reads them. The codec tests
 * compare decoders against these raw bytes, so nothing here masks, sign-extends or decodes.
 */
final class ImageFile {
    final DicomFile file;
    final String transferSyntax;
    final int rows;
    final int columns;
    final int samplesPerPixel;
    final int bitsAllocated;
    final int bitsStored;
    final int pixelRepresentation;
    final int planarConfiguration;
    final int frames;
    final String photometric;
    /** Native Pixel Data bytes, or null when the pixel data is encapsulated. */
    final byte[] nativePixels;
    /** Encapsulated pixel data: the Basic Offset Table item and the fragments; null when native. */
    final byte[] basicOffsetTable;
    final List<byte[]> fragments;

    private ImageFile(DicomFile file) {
        this.file = file;
        Attributes ds = file.dataset();
        transferSyntax = file.transferSyntax().uid();
        rows = ds.getInt(Tag.Rows, 0);
        columns = ds.getInt(Tag.Columns, 0);
        samplesPerPixel = ds.getInt(Tag.SamplesPerPixel, 1);
        bitsAllocated = ds.getInt(Tag.BitsAllocated, 0);
        bitsStored = ds.getInt(Tag.BitsStored, bitsAllocated);
        pixelRepresentation = ds.getInt(Tag.PixelRepresentation, 0);
        planarConfiguration = ds.getInt(Tag.PlanarConfiguration, 0);
        frames = ds.getInt(Tag.NumberOfFrames, 1);
        photometric = ds.getString(Tag.PhotometricInterpretation);
        Fragments encapsulated = ds.getValue(Tag.PixelData) instanceof Fragments f ? f : null;
        if (encapsulated == null) {
            nativePixels = ds.getBytes(Tag.PixelData);
            basicOffsetTable = null;
            fragments = null;
        } else {
            nativePixels = null;
            basicOffsetTable = encapsulated.basicOffsetTable();
            fragments = new ArrayList<>();
            for (int i = 0; i < encapsulated.fragmentCount(); i++) {
                fragments.add(encapsulated.fragment(i));
            }
        }
    }

    static ImageFile read(Path path) throws IOException {
        return new ImageFile(DicomReader.read(path));
    }

    /** Native Pixel Data bytes, or null when the pixel data is encapsulated. */
    byte[] nativePixelData() {
        return nativePixels;
    }

    ImageDescriptor descriptor() {
        return new ImageDescriptor(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation,
                photometric, planarConfiguration, frames);
    }

    List<byte[]> compressedFrames() {
        return EncapsulatedFrames.frames(basicOffsetTable, fragments, frames);
    }

    /** Native frame i as stored, colour-by-pixel. */
    byte[] nativeFrame(int i) {
        int length = (int) descriptor().nativeFrameLength();
        byte[] frame = Arrays.copyOfRange(nativePixels, i * length, (i + 1) * length);
        if (planarConfiguration == 1 && samplesPerPixel > 1) {
            int bytes = bitsAllocated / 8;
            int pixels = rows * columns;
            byte[] byPixel = new byte[length];
            for (int s = 0; s < samplesPerPixel; s++) {
                for (int p = 0; p < pixels; p++) {
                    System.arraycopy(frame, (s * pixels + p) * bytes, byPixel, (p * samplesPerPixel + s) * bytes, bytes);
                }
            }
            return byPixel;
        }
        return frame;
    }

    /**
     * This file, in its own transfer syntax, with its Pixel Data replaced by the given frames as encapsulated
     * fragments (one per frame, empty offset table), written by the toolkit's writer.
     */
    byte[] withEncapsulatedFrames(byte[][] newFrames) throws IOException {
        Fragments f = new Fragments();
        f.add(new byte[0]);
        for (byte[] frame : newFrames) {
            f.add(frame.length % 2 == 0 ? frame : Arrays.copyOf(frame, frame.length + 1));
        }
        Attributes ds = file.dataset().deepCopy();
        ds.setValue(Tag.PixelData, VR.OB, f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DicomFile(file.fileMeta(), ds, file.transferSyntax()).write(out, file.transferSyntax());
        return out.toByteArray();
    }
}
