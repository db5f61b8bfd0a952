package io.distillery.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.dicom.DicomFile;
import io.distillery.dicom.Tag;
import io.distillery.testsupport.FreePorts;
import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-identified output of several transfer syntaxes and object types is accepted by a real Orthanc (Debian's
 * 1.10), started by the test on a free loopback HTTP port with its DICOM listener off and remote access refused,
 * and Orthanc reads back the pseudonymous Patient ID and the remapped SOP Instance UID.
 */
class OrthancAcceptsDeidentifiedTest {
    private static final byte[] SECRET = "orthanc-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    /** Distinct instances (the corpus also holds one MR instance in several syntaxes, which Orthanc would merge). */
    private static final List<String> SAMPLES = List.of("pydicom/CT_small.dcm", "pydicom/MR_small_bigendian.dcm",
            "pydicom/image_dfl.dcm", "pydicom/JPEG2000.dcm", "pydicom/SC_rgb_rle.dcm", "pydicom/examples_overlay.dcm",
            "pydicom/rtstruct.dcm", "dicomparser/deflate/report_dfl");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void orthancStoresEveryDeidentifiedSample(@TempDir Path dir) throws Exception {
        int port = FreePorts.freePort();
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                {"Name": "deid-test", "HttpPort": %d, "DicomServerEnabled": false, "RemoteAccessAllowed": false,
                 "AuthenticationEnabled": false, "StorageDirectory": "%s", "IndexDirectory": "%s", "Plugins": []}
                """.formatted(port, dir.resolve("storage"), dir.resolve("index")));
        ProcessBuilder pb = new ProcessBuilder("Orthanc", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process orthanc;
        try {
            orthanc = pb.start();
        } catch (IOException e) {
            throw new AssertionError("Orthanc not installed (apt-get install -y orthanc): " + e.getMessage(), e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        try {
            waitUntilUp(http, base, orthanc, dir);
            Deidentifier engine = new Deidentifier(DeidConfig.of(SECRET, Set.of()).withAllowBurnedIn(true));
            for (String sample : SAMPLES) {
                DicomFile in = DicomFile.read(SharedData.dicomCorpus().resolve(sample));
                DeidResult r = engine.deidentify(in.dataset(), in.fileMeta());
                Path out = dir.resolve(Path.of(sample).getFileName() + ".deid.dcm");
                new DicomFile(r.fileMeta(), r.dataset(), in.transferSyntax()).write(out, in.transferSyntax());

                HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/instances"))
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofFile(out)).build();
                HttpResponse<String> post;
                try {
                    post = http.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (IOException staleConnection) {
                    // The JDK client may reuse a keep-alive connection Orthanc has just closed ("header parser
                    // received no bytes"); storing the same instance again is idempotent in Orthanc, so send once more.
                    post = http.send(request, HttpResponse.BodyHandlers.ofString());
                }
                assertEquals(200, post.statusCode(), sample + ": " + post.body());
                JsonNode stored = json.readTree(post.body());
                assertEquals("Success", stored.path("Status").asText(), sample + ": " + post.body());

                JsonNode tags = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/instances/"
                        + stored.path("ID").asText() + "/simplified-tags")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertEquals(r.dataset().getString(Tag.PatientID), tags.path("PatientID").asText(), sample);
                assertEquals(r.dataset().getString(Tag.SOPInstanceUID), tags.path("SOPInstanceUID").asText(), sample);
                assertTrue(tags.path("SOPInstanceUID").asText().startsWith("2.25."), sample);
            }
        } finally {
            orthanc.destroy();
            orthanc.waitFor();
        }
    }

    private static void waitUntilUp(HttpClient http, String base, Process orthanc, Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!orthanc.isAlive()) {
                fail("Orthanc exited: " + Files.readString(dir.resolve("orthanc.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/system")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        fail("Orthanc did not answer within 30 s: " + Files.readString(dir.resolve("orthanc.log")));
    }
}
