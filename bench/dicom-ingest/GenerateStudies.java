import io.distillery.dicom.Attributes;
import io.distillery.dicom.DicomWriter;
import io.distillery.dicom.Tag;
import io.distillery.dicom.TransferSyntax;
import io.distillery.dicom.VR;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Labelled CT studies for the gateway-route benchmark: java -cp CLASSPATH GenerateStudies DIR STUDIES PER_STUDY SIDE
 * writes DIR/s0000/00000.dcm ... (one study per folder, accession number BENCH0000 ..., its own patient) and
 * DIR/labels.csv labelling the studies alternately normal and pneumonia, so that every instance is labelled,
 * de-identified, decoded, normalised and stored by the shipped modality-ingest route (no parked or quarantined
 * shortcut: CT with Burned In Annotation NO). Pixels: a smooth disc with noise, 16-bit, rescaled to Hounsfield units.
 * Compiled with Generate.java (image attributes and UIDs).
 */
public class GenerateStudies {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int studies = Integer.parseInt(args[1]);
        int perStudy = Integer.parseInt(args[2]);
        int side = Integer.parseInt(args[3]);
        Random random = new Random(side * 31L + studies);
        List<String> labels = new ArrayList<>(List.of("accession_number,label"));
        for (int s = 0; s < studies; s++) {
            String accession = String.format("BENCH%04d", s);
            labels.add(accession + "," + (s % 2 == 0 ? "normal" : "pneumonia"));
            Path studyDir = Files.createDirectories(dir.resolve(String.format("s%04d", s)));
            String study = Generate.uid();
            String series = Generate.uid();
            for (int i = 0; i < perStudy; i++) {
                Attributes ds = new Attributes();
                ds.setString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
                ds.setString(Tag.SOPInstanceUID, VR.UI, Generate.uid());
                ds.setString(Tag.StudyInstanceUID, VR.UI, study);
                ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
                ds.setString(Tag.AccessionNumber, VR.SH, accession);
                ds.setString(Tag.PatientID, VR.LO, "BENCH" + s);
                ds.setString(Tag.PatientName, VR.PN, "Bench^Patient" + s);
                ds.setString(Tag.PatientBirthDate, VR.DA, "19700101");
                ds.setString(Tag.StudyDate, VR.DA, "20260101");
                ds.setString(Tag.Modality, VR.CS, "CT");
                ds.setString(Tag.BurnedInAnnotation, VR.CS, "NO");
                ds.setInt(Tag.InstanceNumber, VR.IS, i + 1);
                ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
                ds.setString(Tag.RescaleSlope, VR.DS, "1");
                ds.setString(Tag.WindowCenter, VR.DS, "40");
                ds.setString(Tag.WindowWidth, VR.DS, "400");
                Generate.setImage(ds, side, pixels(side, random));
                DicomWriter.write(studyDir.resolve(String.format("%05d.dcm", i)), null, ds,
                        TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            }
        }
        Files.write(dir.resolve("labels.csv"), labels);
    }

    /** Air around a soft-tissue disc: stored 24-63 and 1064-1103, i.e. about -1,000 and 40-80 HU after rescale. */
    private static byte[] pixels(int side, Random random) {
        byte[] out = new byte[side * side * 2];
        double c = side / 2.0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                boolean inside = (x - c) * (x - c) + (y - c) * (y - c) < c * c * 0.6;
                int v = (inside ? 1064 : 24) + random.nextInt(40);
                int at = 2 * (y * side + x);
                out[at] = (byte) v;
                out[at + 1] = (byte) (v >> 8);
            }
        }
        return out;
    }
}
