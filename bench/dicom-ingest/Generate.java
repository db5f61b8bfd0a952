import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

/**
 * Writes N synthetic Secondary Capture instances of a given square size (16-bit MONOCHROME2, random pixels) with
 * the toolkit's Part 10 writer: java -cp CLASSPATH Generate.java DIR COUNT SIDE. One study, one series per run.
 */
public class Generate {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        int side = Integer.parseInt(args[2]);
        Random random = new Random(side * 31L + count);
        String study = uid();
        String series = uid();
        for (int i = 0; i < count; i++) {
            Attributes ds = new Attributes();
            ds.setString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7");
            ds.setString(Tag.SOPInstanceUID, VR.UI, uid());
            ds.setString(Tag.StudyInstanceUID, VR.UI, study);
            ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
            ds.setString(Tag.PatientID, VR.LO, "BENCH");
            ds.setString(Tag.PatientName, VR.PN, "Bench^Ingest");
            ds.setString(Tag.Modality, VR.CS, "OT");
            ds.setString(Tag.ConversionType, VR.CS, "WSD");
            ds.setInt(Tag.InstanceNumber, VR.IS, i + 1);
            byte[] pixels = new byte[side * side * 2];
            random.nextBytes(pixels);
            setImage(ds, side, pixels);
            DicomWriter.write(dir.resolve(String.format("%05d.dcm", i)), null, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        }
    }

    /** A square 16-bit MONOCHROME2 image (unsigned, little-endian pixels). Also used by GenerateStudies. */
    static void setImage(Attributes ds, int side, byte[] pixels) {
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, side);
        ds.setInt(Tag.Columns, VR.US, side);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(Tag.HighBit, VR.US, 15);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
    }

    static String uid() {
        UUID u = UUID.randomUUID();
        BigInteger v = new BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
        return "2.25." + v;
    }
}
