package io.distillery.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.dicom.DatasetEquality;
import io.distillery.dicom.DicomException;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QIDO-RS, WADO-RS and STOW-RS endpoints against Orthanc's DICOMweb plugin. */
class DicomWebOrthancTest {
    static final Path CT = SharedData.dicomCorpus().resolve("pydicom/CT_small.dcm");
    static final Path MR = SharedData.dicomCorpus().resolve("pydicom/MR_small.dcm");
    static final Path RTPLAN = SharedData.dicomCorpus().resolve("pydicom/rtplan.dcm");

    @TempDir
    static Path tmp;
    static OrthancServer orthanc;
    static CamelContext camel;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        orthanc = OrthancServer.start(Files.createDirectories(tmp.resolve("orthanc")), Map.of());
        camel = new DefaultCamelContext();
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void stowThenQidoThenWadoRoundTrips() throws Exception {
        String url = orthanc.dicomWebUrl();
        Exchange stow = template.send("dicom:stow?url=" + url, e -> e.getIn().setBody(List.of(CT, MR, RTPLAN)));
        assertNull(stow.getException());
        assertEquals(3, stow.getMessage().getHeader(DicomConstants.STORED_COUNT));
        List<String> held = orthanc.sopInstanceUids();
        for (Path f : List.of(CT, MR, RTPLAN)) {
            assertTrue(held.contains(sop(f)), f + " not in Orthanc: " + held);
        }

        DicomFile ct = DicomFile.read(CT);
        String patientId = ct.dataset().getString(Tag.PatientID);
        String study = ct.dataset().getString(Tag.StudyInstanceUID);
        Exchange qido = template.send("dicom:qido?level=STUDY&url=" + url,
                e -> e.getIn().setHeader(DicomConstants.QUERY, Map.of("PatientID", patientId, "StudyDescription", "")));
        assertNull(qido.getException());
        List<?> matches = qido.getMessage().getBody(List.class);
        assertEquals(1, matches.size(), "studies of patient " + patientId + ": " + matches);
        assertEquals(study, firstValue(matches.get(0), "0020000D"));

        Path out = tmp.resolve("wado");
        Exchange wado = template.send("dicom:wado?url=" + url + "&directory=" + out,
                e -> e.getIn().setHeader(DicomConstants.STUDY_INSTANCE_UID, study));
        assertNull(wado.getException());
        List<?> files = wado.getMessage().getBody(List.class);
        assertEquals(1, files.size());
        Path retrieved = (Path) files.get(0);
        assertEquals(sop(CT) + ".dcm", retrieved.getFileName().toString());
        assertTrue(DatasetEquality.equal(ct.dataset(), DicomFile.read(retrieved).dataset()),
                () -> DatasetEquality.describeDifference(ct.dataset(), uncheckedRead(retrieved).dataset()));
    }

    @Test
    void stowOfNonDicomFailsTheExchange() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.dcm"), "not a DICOM file at all");
        Exchange stow = template.send("dicom:stow?url=" + orthanc.dicomWebUrl(), e -> e.getIn().setBody(junk));
        assertInstanceOf(DicomException.class, stow.getException());
        assertTrue(stow.getException().getMessage().contains("0 of 1 stored"), stow.getException().getMessage());
    }

    @Test
    void wadoOfUnknownStudyFailsTheExchange() {
        Exchange wado = template.send("dicom:wado?url=" + orthanc.dicomWebUrl() + "&directory=" + tmp.resolve("none"),
                e -> e.getIn().setHeader(DicomConstants.STUDY_INSTANCE_UID, "1.2.3.4.5.6.7.8.9"));
        assertInstanceOf(DicomException.class, wado.getException());
        assertTrue(wado.getException().getMessage().contains("HTTP 404"), wado.getException().getMessage());
    }

    /** The first value of a tag in a DICOM JSON object. */
    static Object firstValue(Object match, String tag) {
        Map<?, ?> element = (Map<?, ?>) ((Map<?, ?>) match).get(tag);
        return element == null ? null : ((List<?>) element.get("Value")).get(0);
    }

    /** The dataset's SOP Instance UID (some corpus files carry a different one in their file meta). */
    static String sop(Path f) {
        return uncheckedRead(f).dataset().getString(Tag.SOPInstanceUID);
    }

    static DicomFile uncheckedRead(Path p) {
        try {
            return DicomFile.read(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
