package io.distillery.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.camel.OrthancServer;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.testsupport.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-identified output of several transfer syntaxes and object types is accepted by a real Orthanc (Debian's
 * 1.10, the tests' {@link OrthancServer}: free ports, remote access refused), and Orthanc reads back the
 * pseudonymous Patient ID and the remapped SOP Instance UID.
 */
class OrthancAcceptsDeidentifiedTest {
    private static final byte[] SECRET = "orthanc-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    /** Distinct instances (the corpus also holds one MR instance in several syntaxes, which Orthanc would merge). */
    private static final List<String> SAMPLES = List.of("pydicom/CT_small.dcm", "pydicom/MR_small_bigendian.dcm",
            "pydicom/image_dfl.dcm", "pydicom/JPEG2000.dcm", "pydicom/SC_rgb_rle.dcm", "pydicom/examples_overlay.dcm",
            "pydicom/rtstruct.dcm", "dicomparser/deflate/report_dfl");
    @Test
    void orthancStoresEveryDeidentifiedSample(@TempDir Path dir) throws Exception {
        try (OrthancServer orthanc = OrthancServer.start(dir, Map.of())) {
            Deidentifier engine = new Deidentifier(DeidConfig.of(SECRET, Set.of()).withAllowBurnedIn(true));
            for (String sample : SAMPLES) {
                DicomFile in = DicomFile.read(SharedData.dicomCorpus().resolve(sample));
                DeidResult r = engine.deidentify(in.dataset(), in.fileMeta());
                Path out = dir.resolve(Path.of(sample).getFileName() + ".deid.dcm");
                new DicomFile(r.fileMeta(), r.dataset(), in.transferSyntax()).write(out, in.transferSyntax());

                JsonNode stored = orthanc.upload(out);
                assertEquals("Success", stored.path("Status").asText(), sample + ": " + stored);

                JsonNode tags = orthanc.get("/instances/" + stored.path("ID").asText() + "/simplified-tags");
                assertEquals(r.dataset().getString(Tag.PatientID), tags.path("PatientID").asText(), sample);
                assertEquals(r.dataset().getString(Tag.SOPInstanceUID), tags.path("SOPInstanceUID").asText(), sample);
                assertTrue(tags.path("SOPInstanceUID").asText().startsWith("2.25."), sample);
            }
        }
    }
}
