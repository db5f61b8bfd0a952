package io.distillery.demo;

import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.SopClasses;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import io.distillery.npy.Npy;
import io.distillery.npy.NpyArray;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds the demo cohort in {@code dicom-samples/}: real DICOM files (CR, DX) made from PneumoniaMNIST images
 * (MedMNIST v2, CC BY 4.0) with realistic but invented patient and study headers, so that de-identification has
 * names, IDs, dates, accession numbers, institutions and device serials to remove. Deterministic: the same seed and
 * source file give byte-identical output.
 *
 * <p>Each 28 x 28 image is enlarged to {@value #SIZE} x {@value #SIZE} (bilinear) and stored as 12-bit unsigned
 * MONOCHROME2 with a window, the way a CR reader stores a processed image; one patient in ten is a DX with
 * MONOCHROME1, to exercise the inversion. Patient names mix ISO_IR 100 (Latin-1) and ISO_IR 192 (UTF-8, Japanese).
 */
public final class SampleCohortGenerator {
    static final int SIZE = 64;
    private static final String[] FAMILY = {"MÜLLER", "GARCÍA", "O'BRIEN", "NGUYEN", "SMITH", "ROSSI", "KOWALSKI",
            "DUBOIS", "JOHANSSON", "PETROV", "SILVA", "HANSEN"};
    private static final String[] GIVEN = {"ANNA", "JOSÉ", "LIAM", "MAI", "OLIVIA", "LUCA", "ZOFIA", "CHLOÉ", "ERIK",
            "IVAN", "BEATRIZ", "FREJA"};
    private static final String[] JA_FAMILY = {"山田", "佐藤", "鈴木", "高橋"};
    private static final String[] JA_GIVEN = {"太郎", "花子", "健", "さくら"};
    private static final String[] INSTITUTIONS = {"St. Example General Hospital", "Riverside Children's Clinic",
            "北海道サンプル病院"};

    private SampleCohortGenerator() {
    }

    /** What was written. */
    public record Summary(int instances, int patients, Map<String, Integer> perLabel) {
    }

    public static Summary generate(Path npz, Path outDir, int perClass, long seed) throws IOException {
        Map<String, NpyArray> arrays = Npy.readNpz(npz);
        NpyArray images = arrays.get("train_images");
        NpyArray labels = arrays.get("train_labels");
        if (images == null || labels == null || images.shape().length != 3) {
            throw new IOException(npz + ": expected train_images (N, H, W) and train_labels");
        }
        int n = images.shape()[0];
        int h = images.shape()[1];
        int w = images.shape()[2];
        Files.createDirectories(outDir);
        Random rnd = new Random(seed);
        List<Integer> normal = new ArrayList<>();
        List<Integer> pneumonia = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (labels.data()[i] == 0 ? normal : pneumonia).add(i);
        }
        java.util.Collections.shuffle(normal, rnd);
        java.util.Collections.shuffle(pneumonia, rnd);
        List<int[]> picks = new ArrayList<>(); // {source index, label}
        for (int i = 0; i < perClass; i++) {
            picks.add(new int[] {normal.get(i), 0});
            picks.add(new int[] {pneumonia.get(i), 1});
        }
        java.util.Collections.shuffle(picks, rnd);
        String[] labelNames = {"normal", "pneumonia"};
        int patients = 0;
        int[] perLabel = new int[2];
        try (Writer csv = Files.newBufferedWriter(outDir.resolve("labels.csv"), StandardCharsets.UTF_8)) {
            csv.write("accession_number,label,source_index\n");
            int k = 0;
            while (k < picks.size()) {
                patients++;
                Patient p = Patient.random(patients, rnd);
                int studies = 1 + rnd.nextInt(3);
                for (int s = 0; s < studies && k < picks.size(); s++, k++) {
                    int[] pick = picks.get(k);
                    String accession = String.format("A%07d", 3100000 + k * 7 + rnd.nextInt(7));
                    Attributes ds = instance(p, pick[0], accession, images.data(), h, w, rnd, seed);
                    String file = String.format("IM%04d.dcm", k + 1);
                    DicomWriter.write(outDir.resolve(file), null, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                    csv.write(accession + "," + labelNames[pick[1]] + "," + pick[0] + "\n");
                    perLabel[pick[1]]++;
                }
            }
        }
        return new Summary(picks.size(), patients, Map.of(labelNames[0], perLabel[0], labelNames[1], perLabel[1]));
    }

    private record Patient(String name, String charset, String id, String birthDate, String sex, String institution,
            boolean dx) {
        static Patient random(int number, Random rnd) {
            boolean japanese = rnd.nextInt(5) == 0;
            String name = japanese
                    ? JA_FAMILY[rnd.nextInt(JA_FAMILY.length)] + "^" + JA_GIVEN[rnd.nextInt(JA_GIVEN.length)]
                    : FAMILY[rnd.nextInt(FAMILY.length)] + "^" + GIVEN[rnd.nextInt(GIVEN.length)];
            LocalDate birth = LocalDate.of(2012, 1, 1).plusDays(rnd.nextInt(365 * 8));
            return new Patient(name, japanese ? "ISO_IR 192" : "ISO_IR 100", String.format("MRN%06d", 481200 + number),
                    birth.format(DateTimeFormatter.BASIC_ISO_DATE), rnd.nextBoolean() ? "F" : "M",
                    INSTITUTIONS[japanese ? 2 : rnd.nextInt(2)], number % 10 == 0);
        }
    }

    private static Attributes instance(Patient p, int index, String accession, byte[] images, int h, int w, Random rnd,
            long seed) {
        LocalDate studyDate = LocalDate.of(2025, 3, 1).plusDays(rnd.nextInt(400));
        String date = studyDate.format(DateTimeFormatter.BASIC_ISO_DATE);
        String time = String.format("%02d%02d%02d", 7 + rnd.nextInt(12), rnd.nextInt(60), rnd.nextInt(60));
        Attributes ds = new Attributes();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, p.charset);
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY");
        ds.setString(Tag.SOPClassUID, VR.UI, p.dx ? SopClasses.DIGITAL_XRAY_IMAGE_STORAGE_FOR_PRESENTATION
                : SopClasses.COMPUTED_RADIOGRAPHY_IMAGE_STORAGE);
        ds.setString(Tag.SOPInstanceUID, VR.UI, uid(seed, "instance", accession));
        ds.setString(Tag.StudyDate, VR.DA, date);
        ds.setString(Tag.SeriesDate, VR.DA, date);
        ds.setString(Tag.ContentDate, VR.DA, date);
        ds.setString(Tag.StudyTime, VR.TM, time);
        ds.setString(Tag.ContentTime, VR.TM, time);
        ds.setString(Tag.AccessionNumber, VR.SH, accession);
        ds.setString(Tag.Modality, VR.CS, p.dx ? "DX" : "CR");
        ds.setString(Tag.Manufacturer, VR.LO, "Example Imaging Systems");
        ds.setString(Tag.InstitutionName, VR.LO, p.institution);
        ds.setString(Tag.InstitutionAddress, VR.ST, "1 Sample Street, Exampletown");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "HOUSE^GREGORY^^DR");
        ds.setString(Tag.StationName, VR.SH, "CRROOM2");
        ds.setString(Tag.StudyDescription, VR.LO, "CHEST PA PAEDIATRIC");
        ds.setString(Tag.SeriesDescription, VR.LO, "PA ERECT");
        ds.setString(Tag.OperatorsName, VR.PN, "TECH^ROBIN");
        ds.setString(Tag.ManufacturerModelName, VR.LO, "ExampleCR 5000");
        ds.setString(Tag.PatientName, VR.PN, p.name);
        ds.setString(Tag.PatientID, VR.LO, p.id);
        ds.setString(Tag.IssuerOfPatientID, VR.LO, "EXAMPLE-HOSP");
        ds.setString(Tag.PatientBirthDate, VR.DA, p.birthDate);
        ds.setString(Tag.PatientSex, VR.CS, p.sex);
        int age = Math.max(1, studyDate.getYear() - Integer.parseInt(p.birthDate.substring(0, 4)));
        ds.setString(Tag.PatientAge, VR.AS, String.format("%03dY", age));
        ds.setString(Tag.BodyPartExamined, VR.CS, "CHEST");
        ds.setString(Tag.DeviceSerialNumber, VR.LO, "SN-" + (40000 + rnd.nextInt(9999)));
        ds.setString(Tag.SoftwareVersions, VR.LO, "4.2.1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, uid(seed, "study", accession));
        ds.setString(Tag.SeriesInstanceUID, VR.UI, uid(seed, "series", accession));
        ds.setString(Tag.StudyID, VR.SH, accession.substring(3));
        ds.setString(Tag.SeriesNumber, VR.IS, "1");
        ds.setString(Tag.InstanceNumber, VR.IS, "1");
        ds.setString(Tag.PatientOrientation, VR.CS, "A", "F");
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, p.dx ? "MONOCHROME1" : "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, SIZE);
        ds.setInt(Tag.Columns, VR.US, SIZE);
        ds.setString(Tag.PixelSpacing, VR.DS, "0.5", "0.5");
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 12);
        ds.setInt(Tag.HighBit, VR.US, 11);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        ds.setString(Tag.BurnedInAnnotation, VR.CS, "NO");
        ds.setString(Tag.WindowCenter, VR.DS, "2048");
        ds.setString(Tag.WindowWidth, VR.DS, "4096");
        if (p.dx) {
            ds.setString(Tag.PresentationLUTShape, VR.CS, "INVERSE");
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels(images, index, h, w, p.dx));
        return ds;
    }

    /** The source image enlarged bilinearly to SIZE x SIZE, scaled to 12 bits (inverted for MONOCHROME1). */
    private static byte[] pixels(byte[] images, int index, int h, int w, boolean invert) {
        ByteBuffer bb = ByteBuffer.allocate(SIZE * SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
        int off = index * h * w;
        for (int r = 0; r < SIZE; r++) {
            double y = Math.max(0, Math.min(h - 1, (r + 0.5) * h / SIZE - 0.5));
            int y0 = (int) y;
            int y1 = Math.min(h - 1, y0 + 1);
            for (int c = 0; c < SIZE; c++) {
                double x = Math.max(0, Math.min(w - 1, (c + 0.5) * w / SIZE - 0.5));
                int x0 = (int) x;
                int x1 = Math.min(w - 1, x0 + 1);
                double v = (1 - (y - y0)) * ((1 - (x - x0)) * u8(images, off + y0 * w + x0) + (x - x0) * u8(images, off + y0 * w + x1))
                        + (y - y0) * ((1 - (x - x0)) * u8(images, off + y1 * w + x0) + (x - x0) * u8(images, off + y1 * w + x1));
                int stored = (int) Math.round(v / 255 * 4095);
                bb.putShort((short) (invert ? 4095 - stored : stored));
            }
        }
        return bb.array();
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    /** A 2.25 UID from a hash of (seed, kind, key): stable across runs, unique per object. */
    static String uid(long seed, String kind, String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "/" + kind + "/" + key).getBytes(StandardCharsets.UTF_8));
            byte[] first16 = java.util.Arrays.copyOf(d, 16);
            first16[6] = (byte) ((first16[6] & 0x0F) | 0x80); // mark as name-based, as a UUIDv8 would be
            return "2.25." + new BigInteger(1, first16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
