package io.distillery.share;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * Distilled images as Secondary Capture Image Storage objects and PNG previews.
 *
 * <p>Identity: Patient ID and Name {@code DISTILLED-<package id>}, one study and one series per package, fresh
 * UUID-derived 2.25 UIDs, Patient Identity Removed YES, Burned In Annotation NO. Pixels: the image mapped back to
 * [0, 1] pixel scale, clipped, as 16-bit unsigned MONOCHROME2 (the authoritative values are the float32 npy files
 * in {@code model/}). Soft label: a private block with creator {@value #PRIVATE_CREATOR} in group 0029 —
 * (0029,1001) FD the learned soft-label vector (one value per class, class-index order; the engine learns these
 * targets freely, so they need not sum to 1 or stay in [0, 1]), (0029,1002) US the
 * class the image was initialised as, (0029,1003) LO the package id — and the same vector as JSON in Image
 * Comments (0020,4000) for people and for readers that drop private data.
 */
public final class ScImages {
    public static final String SC_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String PRIVATE_CREATOR = "DISTILLERY 1.0";
    public static final int PRIVATE_CREATOR_TAG = 0x00290010;
    public static final int SOFT_LABEL_TAG = 0x00291001;
    public static final int INITIAL_CLASS_TAG = 0x00291002;
    public static final int PACKAGE_ID_TAG = 0x00291003;
    static final int IMAGE_COMMENTS = 0x00204000;
    private static final int HIGH_BIT = Tag.HighBit;

    private ScImages() {
    }

    /** Fresh UUID-derived UID (PS3.5 B.2). */
    static String newUid() {
        UUID u = UUID.randomUUID();
        BigInteger v = new BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
        return "2.25." + v;
    }

    /** Identity shared by every object of one package. */
    record Study(String packageId, String studyUid, String seriesUid, LocalDateTime created) {
        static Study fresh(String packageId) {
            return new Study(packageId, newUid(), newUid(), LocalDateTime.now());
        }
    }

    static void writeDicom(Path file, Study study, int instance, int height, int width, double[] unitPixels,
                           double[] softLabel, int initialClass, String labelJson) throws IOException {
        Attributes ds = new Attributes();
        String date = study.created().format(DateTimeFormatter.BASIC_ISO_DATE);
        String time = study.created().format(DateTimeFormatter.ofPattern("HHmmss"));
        String pseudonym = "DISTILLED-" + study.packageId();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        ds.setString(Tag.SOPClassUID, VR.UI, SC_IMAGE_STORAGE);
        ds.setString(Tag.SOPInstanceUID, VR.UI, newUid());
        ds.setString(Tag.StudyDate, VR.DA, date);
        ds.setString(Tag.ContentDate, VR.DA, date);
        ds.setString(Tag.StudyTime, VR.TM, time);
        ds.setString(Tag.ContentTime, VR.TM, time);
        ds.setString(Tag.AccessionNumber, VR.SH);
        ds.setString(Tag.Modality, VR.CS, "OT");
        ds.setString(Tag.ConversionType, VR.CS, "SYN");
        ds.setString(Tag.Manufacturer, VR.LO, "Distillery");
        ds.setString(Tag.ReferringPhysicianName, VR.PN);
        ds.setString(Tag.StudyDescription, VR.LO, "Distilled synthetic images");
        ds.setString(Tag.SeriesDescription, VR.LO, "Dataset distillation output");
        ds.setString(Tag.DerivationDescription, VR.ST, "Synthetic image learned by dataset distillation "
                + "(soft labels, learned learning rates) from a de-identified cohort; depicts no single patient.");
        ds.setString(Tag.PatientName, VR.PN, pseudonym);
        ds.setString(Tag.PatientID, VR.LO, pseudonym);
        ds.setString(Tag.PatientBirthDate, VR.DA);
        ds.setString(Tag.PatientSex, VR.CS);
        ds.setString(Tag.PatientIdentityRemoved, VR.CS, "YES");
        ds.setString(Tag.DeidentificationMethod, VR.LO, "Synthetic data (dataset distillation); no source attributes");
        ds.setString(Tag.StudyInstanceUID, VR.UI, study.studyUid());
        ds.setString(Tag.SeriesInstanceUID, VR.UI, study.seriesUid());
        ds.setString(Tag.StudyID, VR.SH, "1");
        ds.setInt(Tag.SeriesNumber, VR.IS, 1);
        ds.setInt(Tag.InstanceNumber, VR.IS, instance);
        ds.setString(Tag.PatientOrientation, VR.CS);
        ds.setString(IMAGE_COMMENTS, VR.LT, labelJson);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, height);
        ds.setInt(Tag.Columns, VR.US, width);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(HIGH_BIT, VR.US, 15);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        ds.setString(Tag.BurnedInAnnotation, VR.CS, "NO");
        ds.setString(PRIVATE_CREATOR_TAG, VR.LO, PRIVATE_CREATOR);
        ds.setDouble(SOFT_LABEL_TAG, VR.FD, softLabel);
        ds.setInt(INITIAL_CLASS_TAG, VR.US, initialClass);
        ds.setString(PACKAGE_ID_TAG, VR.LO, study.packageId());
        byte[] px = new byte[2 * unitPixels.length];
        for (int i = 0; i < unitPixels.length; i++) {
            int v = (int) Math.round(clip(unitPixels[i]) * 65535);
            px[2 * i] = (byte) v;
            px[2 * i + 1] = (byte) (v >>> 8);
        }
        ds.setBytes(Tag.PixelData, VR.OW, px);
        DicomWriter.write(file, DicomWriter.fileMeta(null, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), ds,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /** A grey PNG of [0, 1] pixels (clipped), enlarged {@code zoom} times with nearest-neighbour pixels. */
    public static BufferedImage toImage(double[] unitPixels, int height, int width, int zoom) {
        BufferedImage img = new BufferedImage(width * zoom, height * zoom, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height * zoom; y++) {
            for (int x = 0; x < width * zoom; x++) {
                int g = (int) Math.round(clip(unitPixels[(y / zoom) * width + x / zoom]) * 255);
                img.getRaster().setSample(x, y, 0, g);
            }
        }
        return img;
    }

    static void writePng(Path file, double[] unitPixels, int height, int width) throws IOException {
        ImageIO.write(toImage(unitPixels, height, width, 4), "png", file.toFile());
    }

    static double clip(double v) {
        return Math.max(0, Math.min(1, v));
    }

    static String fileName(int i, String ext) {
        return String.format(Locale.ROOT, "distilled-%03d.%s", i + 1, ext);
    }
}
