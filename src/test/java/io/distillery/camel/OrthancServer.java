package io.distillery.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * A real Orthanc (Debian packages orthanc, orthanc-dicomweb) for the tests: loopback ports, generated configuration,
 * storage in a temporary directory, DICOMweb plugin loaded. Its REST API (JDK client, test side only) confirms what
 * the component did. Public for the outbound delivery tests, which send to it as a partner PACS.
 */
public final class OrthancServer implements AutoCloseable {
    private static final List<Path> PLUGIN_CANDIDATES = List.of(
            Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"),
            Path.of("/usr/lib/orthanc/libOrthancDicomWeb.so"));
    private static final ObjectMapper JSON = new ObjectMapper();

    public final int httpPort;
    public final int dicomPort;
    public final String aet = "ORTHANC";
    private final Path dir;
    private final Process process;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancServer(Path dir, Map<String, Object> modalities, int httpPort, int dicomPort) throws Exception {
        this.dir = dir;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
        ObjectNode config = JSON.createObjectNode();
        config.put("Name", "distillery-test");
        config.put("StorageDirectory", dir.resolve("storage").toString());
        config.put("IndexDirectory", dir.resolve("index").toString());
        config.put("HttpPort", httpPort);
        config.put("DicomPort", dicomPort);
        config.put("DicomAet", aet);
        config.put("RemoteAccessAllowed", false);
        config.put("AuthenticationEnabled", false);
        config.put("DicomCheckCalledAet", false);
        config.put("HttpThreadsCount", 4);
        config.putArray("Plugins").add(plugin().toString());
        config.putObject("DicomWeb").put("Enable", true).put("Root", "/dicom-web/");
        config.set("DicomModalities", JSON.valueToTree(modalities));
        Path configFile = dir.resolve("orthanc.json");
        JSON.writeValue(configFile.toFile(), config);
        process = ExternalProcess.start(List.of("Orthanc", configFile.toString()), dir.resolve("orthanc.log"));
        awaitUp();
    }

    /** Starts Orthanc; {@code modalities} maps a name to [AET, host, port] (C-MOVE destinations). */
    public static OrthancServer start(Path dir, Map<String, Object> modalities) throws Exception {
        return start(dir, modalities, () -> {
            try {
                return FreePorts.freePort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** As {@link #start(Path, Map)}, taking its ports from {@code ports}. */
    static OrthancServer start(Path dir, Map<String, Object> modalities, IntSupplier ports) throws Exception {
        // Orthanc binds every address and only learns at start whether its ports are still free: another process
        // may take a probed port before Orthanc binds it. It then exits saying so; try again on fresh ports.
        for (int attempt = 1; ; attempt++) {
            try {
                return new OrthancServer(dir, modalities, ports.getAsInt(), ports.getAsInt());
            } catch (PortInUseException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println("Orthanc: " + e.getMessage() + "; starting again on other ports");
            }
        }
    }

    /** Orthanc exited because a port it was given was taken meanwhile. */
    static final class PortInUseException extends IllegalStateException {
        PortInUseException(String message) {
            super(message);
        }
    }

    static Path plugin() {
        return PLUGIN_CANDIDATES.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new IllegalStateException("Orthanc DICOMweb plugin not found: apt-get install orthanc orthanc-dicomweb"));
    }

    public String dicomWebUrl() {
        return "http://127.0.0.1:" + httpPort + "/dicom-web";
    }

    private void awaitUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = Files.readString(dir.resolve("orthanc.log"));
                if (log.contains("already in use")) {
                    throw new PortInUseException("Orthanc exited, port " + httpPort + " or " + dicomPort
                            + " already in use");
                }
                throw new IllegalStateException("Orthanc exited: " + log);
            }
            try {
                if (get("/system").has("Version")) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("Orthanc did not come up: " + Files.readString(dir.resolve("orthanc.log")));
    }

    /** GET of a REST path, parsed; an error status is an IOException. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> rsp = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 200) {
            throw new IOException("Orthanc " + path + ": HTTP " + rsp.statusCode());
        }
        return JSON.readTree(rsp.body());
    }

    /** SOP Instance UIDs Orthanc holds. */
    public List<String> sopInstanceUids() throws IOException, InterruptedException {
        JsonNode instances = get("/instances?expand");
        return Stream.iterate(0, i -> i < instances.size(), i -> i + 1)
                .map(i -> instances.get(i).path("MainDicomTags").path("SOPInstanceUID").asText()).toList();
    }

    /**
     * Stores a Part 10 file through the REST API (to seed the PACS for retrieve tests) and returns Orthanc's answer
     * (its {@code ID}, {@code Status}).
     */
    public JsonNode upload(Path file) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/instances"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofFile(file)).build();
        HttpResponse<String> rsp;
        try {
            rsp = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException staleConnection) {
            // The JDK client may reuse a keep-alive connection Orthanc has just closed ("header parser received no
            // bytes"); storing the same instance again is idempotent in Orthanc, so send once more.
            rsp = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (rsp.statusCode() != 200) {
            throw new IOException("upload " + file + ": HTTP " + rsp.statusCode() + " " + rsp.body());
        }
        return JSON.readTree(rsp.body());
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
